"""Periods a value is recorded for: a whole year (2025) or a quarter of it (2025 Q2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIOD_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:[-/ ]?\s*Q([1-4]))?\s*$", re.IGNORECASE)
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int = 0  # 0 means the whole year

    @property
    def is_quarter(self) -> bool:
        return self.quarter != 0

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}" if self.quarter else str(self.year)

    def next(self) -> Period:
        """The period straight after this one, at the same frequency."""
        if not self.quarter:
            return Period(self.year + 1)
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)


def parse_period(text: str | None) -> Period | None:
    """`2025`, `2025 Q2`, `2025-Q2` or `2025q2` as a Period; None when it is not one."""
    match = PERIOD_PATTERN.match(text or "")
    if not match:
        return None
    year = int(match.group(1))
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return Period(year, int(match.group(2) or 0))


def period_error(text: str | None, frequency: str) -> tuple[Period | None, str | None]:
    """Parse `text` for an indicator recorded by `frequency`; returns (period, error message)."""
    period = parse_period(text)
    example = "2025" if frequency == "year" else "2025 Q2"
    if period is None:
        return (
            None,
            f"Enter the period as a year from {EARLIEST_YEAR} to {LATEST_YEAR}, "
            f"for example {example}",
        )
    if frequency == "year" and period.is_quarter:
        return None, "This indicator is recorded by year: enter a year, for example 2025"
    if frequency == "quarter" and not period.is_quarter:
        return None, "This indicator is recorded by quarter: enter a quarter, for example 2025 Q2"
    return period, None
