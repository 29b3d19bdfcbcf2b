"""Checking a CSV of indicator values, row by row, before anything is saved (no database here)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from .breakdowns import BREAKDOWN_LABELS, CITYWIDE, categories_for, match_category
from .periods import Period, period_error

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
MAX_ABS_VALUE = 1e12
COLUMNS = ["indicator", "period", "breakdown", "category", "value", "source", "notes"]
REQUIRED_COLUMNS = ["indicator", "period", "value"]
MAX_LENGTHS = {"source": 200, "notes": 2000}


@dataclass(frozen=True)
class IndicatorRule:
    """What a row needs to know about an indicator to be checked."""

    id: int
    ambition_id: int
    frequency: str
    unit: str
    breakdowns: tuple[str, ...]


@dataclass(frozen=True)
class RowError:
    row: int | None  # the spreadsheet row (the header is row 1); None for the whole file
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


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


@dataclass
class CheckResult:
    rows: list[ValueRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_upload(data: bytes) -> tuple[str | None, RowError | None]:
    """The file's text, or a file-level error (too big, not UTF-8 text, empty)."""
    if len(data) > MAX_IMPORT_BYTES:
        return None, RowError(
            None, "file", f"The file must be smaller than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    if not data.strip():
        return None, RowError(None, "file", "The file is empty: add a header row and some values")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, RowError(
            None, "file", "The file must be saved as CSV UTF-8 (in Excel: Save as, CSV UTF-8)"
        )
    if "\x00" in text:
        return None, RowError(None, "file", "The file must be a CSV text file, not a spreadsheet")
    return text, None


def parse_value(text: str, unit: str) -> tuple[float | None, str | None]:
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
    if unit == "%" and not -100 <= value <= 100:
        return None, "Enter a percentage between -100 and 100"
    return value, None


def _normalise_header(name: str) -> str:
    return "_".join((name or "").strip().lower().split())


def check_csv(
    text: str,
    indicators: Mapping[str, IndicatorRule],
    ward_names: Collection[str],
    may_record: Callable[[int], bool],
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 1000,
) -> CheckResult:
    """Check every row of `text`; the result holds the clean rows and every problem found.

    `may_record(ambition_id)` says whether the person importing may record values for an
    Ambition's indicators. `progress(done, total)` is called every `progress_every` rows.
    """
    result = CheckResult()
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        result.errors.append(RowError(None, "file", f"The file is not a valid CSV file ({error})"))
        return result
    if not records:
        result.errors.append(RowError(None, "file", "The file is empty: add a header row"))
        return result
    header = [_normalise_header(name) for name in records[0]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        result.errors.append(
            RowError(
                1,
                ", ".join(missing),
                "The header row must include the columns "
                + ", ".join(REQUIRED_COLUMNS)
                + " (download the template to see them all)",
            )
        )
        return result
    body = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(c.strip() for c in record)
    ]
    result.total_rows = len(body)
    if len(body) > MAX_IMPORT_ROWS:
        result.errors.append(
            RowError(
                None,
                "file",
                f"The file has {len(body):,} rows: split it into files of at most "
                f"{MAX_IMPORT_ROWS:,} rows",
            )
        )
        return result
    seen: dict[tuple, int] = {}
    for done, (number, record) in enumerate(body, start=1):
        cells = {
            name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header)
        }
        row = _check_row(number, cells, indicators, ward_names, may_record, result.errors)
        if row is not None:
            if row.key in seen:
                result.errors.append(
                    RowError(
                        number,
                        "period",
                        f"This repeats row {seen[row.key]}: the same indicator, period, "
                        "breakdown and category",
                    )
                )
            else:
                seen[row.key] = number
                result.rows.append(row)
        if progress and done % progress_every == 0:
            progress(done, len(body))
    return result


def _check_row(
    number: int,
    cells: Mapping[str, str],
    indicators: Mapping[str, IndicatorRule],
    ward_names: Collection[str],
    may_record: Callable[[int], bool],
    errors: list[RowError],
) -> ValueRow | None:
    before = len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    code = cells.get("indicator", "").lower()
    rule = indicators.get(code)
    if not code:
        fail("indicator", "Enter the indicator code, for example life-expectancy-female")
    elif rule is None:
        fail("indicator", f"There is no indicator with the code '{code[:60]}'")
    elif not may_record(rule.ambition_id):
        fail("indicator", "You can only record values for the Ambitions you convene")
    period = None
    breakdown = _normalise_header(cells.get("breakdown", "")) or CITYWIDE
    category = cells.get("category", "")
    if rule is not None:
        period, message = period_error(cells.get("period"), rule.frequency)
        if message:
            fail("period", message)
        if breakdown not in BREAKDOWN_LABELS:
            fail("breakdown", "Enter a breakdown from the template: " + ", ".join(BREAKDOWN_LABELS))
        elif breakdown != CITYWIDE and breakdown not in rule.breakdowns:
            fail(
                "breakdown",
                f"This indicator is not broken down by {BREAKDOWN_LABELS[breakdown].lower()}",
            )
        elif breakdown == CITYWIDE:
            if category:
                fail("category", "Leave the category empty for a citywide value")
        else:
            matched = match_category(breakdown, category, ward_names)
            if matched is None:
                if not category:
                    fail(
                        "category",
                        f"Enter the {BREAKDOWN_LABELS[breakdown].lower()} this value is for",
                    )
                else:
                    options = categories_for(breakdown, ward_names)
                    hint = (
                        ", ".join(options)
                        if len(options) <= 10
                        else "a ward name as it appears on the portal"
                    )
                    fail(
                        "category",
                        f"'{category[:80]}' is not a "
                        f"{BREAKDOWN_LABELS[breakdown].lower()}: use {hint}",
                    )
            category = matched or ""
    value, message = parse_value(cells.get("value", ""), rule.unit if rule else "")
    if message:
        fail("value", message)
    for column, limit in MAX_LENGTHS.items():
        if len(cells.get(column, "")) > limit:
            fail(column, f"{column.capitalize()} must be {limit} characters or fewer")
    if len(errors) > before or rule is None or period is None or value is None:
        return None
    return ValueRow(
        row=number,
        indicator_id=rule.id,
        period=period,
        breakdown=breakdown,
        category=category,
        value=value,
        source=cells.get("source", ""),
        notes=cells.get("notes", ""),
    )


DEPRIVATION_COLUMNS = ["ward", "share_most_deprived", "source"]


@dataclass(frozen=True)
class DeprivationRow:
    row: int
    ward_id: int
    share_most_deprived: float
    source: str


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
    header = [_normalise_header(name) for name in header_cells]
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
        if len(errors) == before and ward_id is not None and share is not None:
            seen[ward_id] = number
            rows.append(DeprivationRow(number, ward_id, share, cells.get("source", "")))
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
