"""The rules an activity must follow, shared by the form and the CSV import (no database here)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..core.forms import MAX_QUANTITY
from ..core.goals import GoalInfo, stray_goals

TITLE_MAX = 160
DESCRIPTION_MAX = 5000
OUTCOMES_MAX = 5000
PEOPLE_MAX = 10_000_000  # more than ten times the city's population: surely a typing slip
HOURS_MAX = Decimal("10000000")
SPEND_MAX = MAX_QUANTITY  # the limit of every amount of money, as in the forms
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass
class ActivityValues:
    """A checked activity, ready for `services.create_activity` or `update_activity`."""

    title: str
    description: str
    start_date: date
    end_date: date
    goal_ids: list[int]
    citywide: bool
    ward_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    people_reached: int = 0
    volunteer_hours: Decimal = Decimal(0)
    spend: Decimal = Decimal(0)
    outcomes: str = ""
    is_public: bool = True
    pledge_ids: list[int] = field(default_factory=list)
    match_ids: list[int] = field(default_factory=list)


def check_tags(
    chosen_ambition_ids: Iterable[int],
    goals: Sequence[GoalInfo],
    ambition_names: Mapping[int, str],
) -> list[tuple[str, str]]:
    """Problems with an activity's Ambitions and goals, as (field, message) pairs.

    At least one goal is needed. Ambitions may be left out (they follow from the goals); when
    they are given, the shared goal rule applies (every goal under a chosen Ambition) and every
    chosen Ambition needs at least one goal, because an activity is tagged through its goals.
    """
    chosen = list(dict.fromkeys(chosen_ambition_ids))
    if not goals:
        return [("goals", "Choose at least one goal the activity works towards")]
    if not chosen:
        return []
    problems = [("goals", message) for message in stray_goals(chosen, goals, ambition_names)]
    covered = {goal.ambition_id for goal in goals}
    for ambition_id in chosen:
        if ambition_id not in covered:
            name = ambition_names.get(ambition_id, "chosen")
            problems.append(
                (
                    "ambitions",
                    f"Choose at least one goal under the {name} Ambition, or remove that Ambition",
                )
            )
    return problems


def ambitions_of(goals: Iterable[GoalInfo]) -> list[int]:
    """The Ambition ids the goals belong to, first-seen order."""
    return list(dict.fromkeys(goal.ambition_id for goal in goals))


def check_dates(start: date | None, end: date | None) -> str | None:
    """The message when the end comes before the start, else None."""
    if start and end and end < start:
        return "The end date must be the same as or after the start date"
    return None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def parse_date(text: str) -> date:
    """A date written as 2026-03-31 or 31/03/2026 (UK order, as spreadsheets save it)."""
    text = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValueError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
        return value
    raise ValueError("Enter a real date, like 2026-03-31 or 31/03/2026")


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_amount(text: str, *, maximum: Decimal, places: int, what: str, example: str) -> Decimal:
    """A non-negative number with at most `places` decimals; '£' and thousands commas allowed."""
    cleaned = text.strip().replace(",", "").replace("£", "").replace(" ", "")
    if cleaned == "":
        return Decimal(0)
    if not _NUMBER.match(cleaned) or len(cleaned) > 20:
        raise ValueError(f"Enter {what} as a number, for example {example}")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:  # pragma: no cover - the pattern already rules this out
        raise ValueError(f"Enter {what} as a number, for example {example}") from error
    if value < 0:
        raise ValueError(f"{what.capitalize()} cannot be negative")
    if value > maximum:
        raise ValueError(f"{what.capitalize()} must be {maximum:,} or less")
    if -value.as_tuple().exponent > places:  # type: ignore[operator]
        unit = "decimal place" if places == 1 else "decimal places"
        raise ValueError(f"Enter {what} with no more than {places} {unit}")
    return value


def parse_count(text: str, *, what: str, example: str) -> int:
    """A whole number of people (0 if blank)."""
    cleaned = text.strip().replace(",", "")
    if cleaned == "":
        return 0
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise ValueError(f"Enter {what} as a whole number, for example {example}")
    value = int(cleaned)
    if value > PEOPLE_MAX:
        raise ValueError(f"{what.capitalize()} must be {PEOPLE_MAX:,} or less")
    return value


def split_list(text: str) -> list[str]:
    """Items separated by semicolons (names may contain commas), blanks dropped."""
    return [item.strip() for item in text.split(";") if item.strip()]
