"""What values an indicator can take: pure, shared by the value form and the CSV import."""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_ABS_VALUE = 1e12  # far beyond any real indicator; keeps absurd numbers out of the charts


@dataclass(frozen=True)
class ValidRange:
    """The smallest and largest value an indicator can take; None leaves that side open."""

    minimum: float | None = None
    maximum: float | None = None

    def contains(self, value: float) -> bool:
        return (self.minimum is None or value >= self.minimum) and (
            self.maximum is None or value <= self.maximum
        )


def default_range(unit: str) -> ValidRange:
    """A percentage is a share from 0 to 100; every other unit the scorecard uses is a count or
    a measure that cannot be negative. An indicator may declare its own range instead."""
    return ValidRange(0, 100) if unit == "%" else ValidRange(0, None)


def declared_range(unit: str, declared: list[float] | None) -> ValidRange:
    """The range `indicators.yaml` declares (`valid_range: [min, max]`, null for open), else the
    unit's default."""
    if not declared:
        return default_range(unit)
    low, high = declared
    return ValidRange(None if low is None else float(low), None if high is None else float(high))


def _number(value: float) -> str:
    return f"{value:,.10g}"


def range_message(valid: ValidRange, unit: str) -> str:
    what = "a percentage" if unit == "%" else "a value"
    if valid.minimum is not None and valid.maximum is not None:
        return f"Enter {what} between {_number(valid.minimum)} and {_number(valid.maximum)}"
    if valid.minimum is not None:
        return f"Enter {what} of {_number(valid.minimum)} or more"
    return f"Enter {what} of {_number(valid.maximum or 0)} or less"


def parse_value(
    text: str, unit: str, valid: ValidRange | None = None
) -> tuple[float | None, str | None]:
    """A number from `text` (thousands commas allowed), or a message saying what is wrong."""
    cleaned = (text or "").strip().replace(",", "")
    if unit == "%":
        cleaned = cleaned.removesuffix("%").strip()
    if not cleaned:
        return None, "Enter the value, for example 42.5"
    try:
        value = float(cleaned)
    except ValueError:
        return None, "Enter the value as a number, for example 42.5"
    if math.isnan(value) or math.isinf(value) or abs(value) > MAX_ABS_VALUE:
        return None, "Enter a number between -1,000,000,000,000 and 1,000,000,000,000"
    valid = valid or default_range(unit)
    if not valid.contains(value):
        return None, range_message(valid, unit)
    return value, None
