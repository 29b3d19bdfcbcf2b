"""The scorecard values CSV file: its columns and how each cell is read (no database here).

Reading and checking the file is `core.csv_rows`; the ward deprivation file is checked here too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from ..core.csv_rows import BYTES_PER_MB, Column, CsvSpec, Row, RowError, normalise_header
from .breakdowns import BREAKDOWN_LABELS, CITYWIDE, categories_for, match_category
from .periods import Period, period_error
from .values import ValidRange, parse_value

MAX_IMPORT_MB = 5
MAX_IMPORT_BYTES = MAX_IMPORT_MB * BYTES_PER_MB
MAX_LENGTHS = {"source": 200, "notes": 2000}


@dataclass(frozen=True)
class IndicatorRule:
    """What a row needs to know about an indicator to be checked."""

    id: int
    ambition_id: int
    frequency: str
    unit: str
    breakdowns: tuple[str, ...]
    valid: ValidRange | None = None  # None: the default for the unit


@dataclass(frozen=True)
class Lookups:
    """What rows are checked against, as plain values."""

    indicators: Mapping[str, IndicatorRule]  # by lower-cased code
    ward_names: Collection[str]
    may_record: Callable[[int], bool]  # may the person importing record for this Ambition?


@dataclass(frozen=True)
class ValueRow:
    row: int
    indicator_id: int
    period: Period
    breakdown: str
    category: str
    value: float
    source: str
    notes: str

    @property
    def key(self) -> tuple[int, int, int, str, str]:
        return (
            self.indicator_id,
            self.period.year,
            self.period.quarter,
            self.breakdown,
            self.category,
        )


ValueCells = Row[Lookups]


def _indicator(text: str, row: ValueCells) -> IndicatorRule:
    code = text.lower()
    rule = row.context.indicators.get(code)
    if rule is None:
        raise ValueError(f"There is no indicator with the code '{code[:60]}'")
    if not row.context.may_record(rule.ambition_id):
        # Reported, but the rest of the row is still checked against the indicator.
        row.fail("indicator", "You can only record values for the Ambitions you convene")
    return rule


def _rule(row: ValueCells) -> IndicatorRule | None:
    rule = row.values.get("indicator")
    return rule if isinstance(rule, IndicatorRule) else None


def _period(text: str, row: ValueCells) -> Period | None:
    rule = _rule(row)
    if rule is None:
        return None  # nothing to check the period against
    period, message = period_error(text, rule.frequency)
    if message:
        raise ValueError(message)
    return period


def _breakdown(text: str, row: ValueCells) -> str:
    breakdown = normalise_header(text) or CITYWIDE
    rule = _rule(row)
    if rule is None:
        return breakdown
    if breakdown not in BREAKDOWN_LABELS:
        raise ValueError("Enter a breakdown from the template: " + ", ".join(BREAKDOWN_LABELS))
    if breakdown != CITYWIDE and breakdown not in rule.breakdowns:
        raise ValueError(
            f"This indicator is not broken down by {BREAKDOWN_LABELS[breakdown].lower()}"
        )
    return breakdown


def _category(text: str, row: ValueCells) -> str:
    breakdown = row.values.get("breakdown", CITYWIDE)
    if _rule(row) is None or row.failed("breakdown"):
        return text
    if breakdown == CITYWIDE:
        if text:
            raise ValueError("Leave the category empty for a citywide value")
        return ""
    matched = match_category(breakdown, text, row.context.ward_names)
    if matched is not None:
        return matched
    label = BREAKDOWN_LABELS[breakdown].lower()
    if not text:
        raise ValueError(f"Enter the {label} this value is for")
    options = categories_for(breakdown, row.context.ward_names)
    hint = ", ".join(options) if len(options) <= 10 else "a ward name as it appears on the portal"
    raise ValueError(f"'{text[:80]}' is not a {label}: use {hint}")


def _value(text: str, row: ValueCells) -> float:
    rule = _rule(row)
    value, message = parse_value(text, rule.unit, rule.valid) if rule else parse_value(text, "")
    if message or value is None:
        raise ValueError(message)
    return value


def _limited(column: str) -> Callable[[str, ValueCells], str]:
    limit = MAX_LENGTHS[column]

    def parse(text: str, row: ValueCells) -> str:
        if len(text) > limit:
            raise ValueError(f"{column.capitalize()} must be {limit} characters or fewer")
        return text

    return parse


def _build(row: ValueCells) -> ValueRow:
    values = row.values
    return ValueRow(
        row=row.number,
        indicator_id=values["indicator"].id,
        period=values["period"],
        breakdown=values["breakdown"],
        category=values["category"],
        value=values["value"],
        source=values["source"],
        notes=values["notes"],
    )


def _repeats(first_row: int) -> tuple[str, str]:
    return (
        "period",
        f"This repeats row {first_row}: the same indicator, period, breakdown and category",
    )


SPEC: CsvSpec[Lookups, ValueRow] = CsvSpec(
    columns=[
        Column(
            "indicator",
            required=True,
            parse=_indicator,
            blank="Enter the indicator code, for example life-expectancy-female",
        ),
        Column("period", required=True, parse=_period),
        Column("breakdown", parse=_breakdown),
        Column("category", parse=_category),
        Column("value", required=True, parse=_value),
        Column("source", parse=_limited("source")),
        Column("notes", parse=_limited("notes")),
    ],
    build=_build,
    what="values",
    duplicate_key=lambda row: row.key,
    duplicate=_repeats,
)
COLUMNS = SPEC.names


DEPRIVATION_COLUMNS = ["ward", "share_most_deprived", "source", "population"]


@dataclass(frozen=True)
class DeprivationRow:
    row: int
    ward_id: int
    share_most_deprived: float
    source: str
    population: int | None = None  # None: the file has no population column


MAX_POPULATION = 1_000_000  # a Leeds ward has about 17,000 to 30,000 residents


def parse_population(text: str) -> tuple[int | None, str]:
    """A ward's residents: a whole number above 0 (thousands separators allowed)."""
    cleaned = text.replace(",", "").strip()
    if not cleaned.isdigit() or not 0 < int(cleaned) <= MAX_POPULATION:
        return None, "Enter the population as a whole number of residents above 0, such as 24500"
    return int(cleaned), ""


def check_deprivation_csv(
    text: str, ward_ids: Mapping[str, int]
) -> tuple[list[DeprivationRow], list[RowError]]:
    """Check a replacement ward deprivation file: one row per ward, every ward, shares 0 to 100.

    `ward_ids` maps lower-cased ward names and ONS codes to ward ids. Lines starting with # are
    comments (the shipped file explains itself that way).
    """
    errors: list[RowError] = []
    rows: list[DeprivationRow] = []
    lines = text.splitlines()
    try:
        records = list(csv.reader(io.StringIO("\n".join(lines), newline="")))
    except csv.Error as error:
        return [], [RowError(None, "file", f"The file is not a valid CSV file ({error})")]
    numbered = [
        (number, record)
        for number, record in enumerate(records, start=1)
        if record and any(c.strip() for c in record) and not record[0].lstrip().startswith("#")
    ]
    if not numbered:
        return [], [
            RowError(None, "file", "The file is empty: add a header row and a row per ward")
        ]
    header_row, header_cells = numbered[0]
    header = [normalise_header(name) for name in header_cells]
    missing = [name for name in DEPRIVATION_COLUMNS[:2] if name not in header]
    if missing:
        return [], [
            RowError(
                header_row,
                ", ".join(missing),
                "The header row must include the columns ward and share_most_deprived",
            )
        ]
    seen: dict[int, int] = {}
    for number, record in numbered[1:]:
        cells = {
            name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)
        }
        ward_id = ward_ids.get(cells.get("ward", "").lower())
        share, message = parse_value(cells.get("share_most_deprived", ""), "%")
        before = len(errors)
        if ward_id is None:
            errors.append(
                RowError(
                    number,
                    "ward",
                    f"'{cells.get('ward', '')[:80]}' is not a Leeds ward: use its name or ONS code",
                )
            )
        elif ward_id in seen:
            errors.append(RowError(number, "ward", f"This ward is already on row {seen[ward_id]}"))
        if message:
            errors.append(RowError(number, "share_most_deprived", message))
        elif share is not None and share < 0:
            errors.append(
                RowError(number, "share_most_deprived", "Enter a percentage between 0 and 100")
            )
        if len(cells.get("source", "")) > MAX_LENGTHS["source"]:
            errors.append(RowError(number, "source", "Source must be 200 characters or fewer"))
        population, message = (
            parse_population(cells["population"]) if "population" in header else (None, "")
        )
        if message:
            errors.append(RowError(number, "population", message))
        if len(errors) == before and ward_id is not None and share is not None:
            seen[ward_id] = number
            rows.append(DeprivationRow(number, ward_id, share, cells.get("source", ""), population))
    missing_wards = set(ward_ids.values()) - {row.ward_id for row in rows}
    if missing_wards and not errors:
        errors.append(
            RowError(
                None,
                "ward",
                f"Every ward needs a row: {len(missing_wards)} "
                f"{'ward is' if len(missing_wards) == 1 else 'wards are'} missing",
            )
        )
    return rows, errors
