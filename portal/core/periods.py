"""Reporting periods as the insights dashboards name them: a year ("2026") or a quarter
("2026-Q2"), for the lists a dashboard figure drills down to."""

from __future__ import annotations

import re
from datetime import date, timedelta

PERIOD = re.compile(r"^(?P<year>20\d\d)(?:-Q(?P<quarter>[1-4]))?$")
FIRST_YEAR = 2020


def period_dates(period: str | None) -> tuple[date, date] | None:
    """ "2026" -> the year, "2026-Q2" -> 1 April to 30 June 2026; anything else None."""
    found = PERIOD.match(period or "")
    if not found:
        return None
    year = int(found["year"])
    if not found["quarter"]:
        return date(year, 1, 1), date(year, 12, 31)
    quarter = int(found["quarter"])
    start = date(year, 3 * quarter - 2, 1)
    end = date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


def period_choices(empty: str = "Any time") -> list[tuple[str, str]]:
    """Each year from next year back to 2020, each followed by its quarters, newest first."""
    choices = [("", empty)]
    for year in range(date.today().year + 1, FIRST_YEAR - 1, -1):
        choices.append((str(year), str(year)))
        choices.extend((f"{year}-Q{q}", f"{year} Q{q}") for q in range(1, 5))
    return choices
