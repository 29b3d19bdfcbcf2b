"""Reading and checking a CSV file of activities. Pure: lookups come in as plain data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from . import rules

# (column, required, what goes in it). The template and the import page are built from this.
COLUMNS: list[tuple[str, bool, str]] = [
    ("title", True, f"The activity's name, up to {rules.TITLE_MAX} characters."),
    ("description", False, "What the activity is and who it is for."),
    (
        "partners",
        False,
        "Partner organisations' names as listed in the directory, separated by semicolons.",
    ),
    (
        "ambitions",
        False,
        "Ambition codes (HEALTHY, GROWING, THRIVING, RESILIENT) separated by semicolons. "
        "Leave blank to take them from the goals.",
    ),
    ("goals", True, "Goal codes such as HEALTHY-1; GROWING-2 (at least one)."),
    ("wards", True, "Ward names or ONS codes separated by semicolons, or the word citywide."),
    ("start_date", True, "For example 2026-04-01 or 01/04/2026."),
    ("end_date", True, "The same as or after the start date."),
    ("people_reached", False, "A whole number, for example 250. Blank means 0."),
    ("volunteer_hours", False, "A number, for example 12 or 7.5. Blank means 0."),
    ("spend", False, "Pounds, for example 1500 or £1,500.00. Blank means 0."),
    ("outcomes", False, "What changed because of the activity."),
    ("visibility", False, "public or private. Blank means public."),
]
COLUMN_NAMES = [name for name, _, _ in COLUMNS]
REQUIRED_COLUMNS = [name for name, required, _ in COLUMNS if required]
MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 1000
EXAMPLE_ROWS = [
    {
        "title": "Holiday activities and food in Gipton",
        "description": "Free meals and sport for children during the summer holidays.",
        "partners": "",
        "ambitions": "HEALTHY",
        "goals": "HEALTHY-1",
        "wards": "Gipton & Harehills",
        "start_date": "2026-07-20",
        "end_date": "2026-08-28",
        "people_reached": "320",
        "volunteer_hours": "410",
        "spend": "18500",
        "outcomes": "320 children had a hot meal and an activity on 30 days.",
        "visibility": "public",
    },
    {
        "title": "Supported internships",
        "description": "Paid work placements for young people with learning disabilities.",
        "partners": "",
        "ambitions": "",
        "goals": "GROWING-1; GROWING-2",
        "wards": "citywide",
        "start_date": "01/09/2026",
        "end_date": "30/06/2027",
        "people_reached": "12",
        "volunteer_hours": "",
        "spend": "£24,000",
        "outcomes": "",
        "visibility": "private",
    },
]


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message is for the person."""


@dataclass
class Lookups:
    """Reference data as plain values, so checking 10,000 rows needs no further queries."""

    goals_by_code: dict[str, rules.GoalInfo]
    ambition_ids_by_code: dict[str, int]
    ambition_names: dict[int, str]
    ward_ids_by_key: dict[str, int]  # lower-cased name and ONS code
    organisation_ids_by_name: dict[str, int]  # lower-cased name, approved organisations only
    lead_organisation_id: int


@dataclass
class RowResult:
    number: int  # the spreadsheet row: the header is row 1
    values: rules.ActivityValues | None
    errors: list[tuple[str, str]] = field(default_factory=list)


def decode(content: bytes, *, max_bytes: int) -> str:
    """The file's text, or CsvFileError for an empty, oversized, binary or non-UTF-8 file."""
    if not content:
        raise CsvFileError("The selected file is empty")
    if len(content) > max_bytes:
        raise CsvFileError(f"The selected file must be smaller than {max_bytes // 1_000_000} MB")
    if b"\x00" in content[:4096]:
        raise CsvFileError("The selected file must be a CSV file, not a spreadsheet or other file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(
            "The selected file must be saved as ‘CSV UTF-8’: "
            f"byte {error.start + 1} is not valid UTF-8 text"
        ) from error


def read_header(text: str) -> list[str]:
    """The header row, checked: every required column present, no unknown or repeated ones."""
    try:
        header = next(csv.reader(io.StringIO(text)), None)
    except csv.Error as error:
        raise CsvFileError(f"The file could not be read as CSV: {error}") from error
    if not header or not any(cell.strip() for cell in header):
        raise CsvFileError("The first row of the file must name the columns, as in the template")
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CsvFileError("The file is missing these columns: " + ", ".join(missing))
    unknown = [name for name in names if name and name not in COLUMN_NAMES]
    if unknown:
        raise CsvFileError(
            "The file has columns the import does not know: "
            + ", ".join(unknown[:5])
            + ". Use the column names from the template"
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise CsvFileError("These columns appear more than once: " + ", ".join(repeated))
    return names


def iter_rows(text: str) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(row number, cells by column) for each data row; None for a row with too many cells.

    Blank lines are skipped. Raises CsvFileError if the CSV itself is malformed or too long.
    """
    names = read_header(text)
    reader = csv.reader(io.StringIO(text))
    try:
        next(reader)
        for index, cells in enumerate(reader, start=2):
            if index - 1 > MAX_ROWS:
                raise CsvFileError(f"The file has more than {MAX_ROWS:,} rows: split it up")
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                yield index, None
                continue
            yield (
                index,
                {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)},
            )
    except csv.Error as error:
        raise CsvFileError(f"The file could not be read as CSV: {error}") from error


def count_rows(text: str) -> int:
    return sum(1 for _ in iter_rows(text))


def check_row(number: int, cells: dict[str, str] | None, lookups: Lookups) -> RowResult:
    """Every problem with one row, by column; the values when there are none."""
    if cells is None:
        return RowResult(number, None, [("", "This row has more cells than there are columns")])
    errors: list[tuple[str, str]] = []

    def text(column: str, maximum: int) -> str:
        value = (cells.get(column) or "").strip()
        if len(value) > maximum:
            errors.append((column, f"Must be {maximum:,} characters or fewer"))
        return value

    title = text("title", rules.TITLE_MAX)
    if not title:
        errors.append(("title", "Enter the activity's title"))
    description = text("description", rules.DESCRIPTION_MAX)
    outcomes = text("outcomes", rules.OUTCOMES_MAX)

    partner_ids: list[int] = []
    for name in rules.split_list(cells.get("partners", "")):
        organisation_id = lookups.organisation_ids_by_name.get(name.lower())
        if organisation_id is None:
            errors.append(("partners", f"No approved organisation is called ‘{name[:80]}’"))
        elif organisation_id == lookups.lead_organisation_id:
            errors.append(("partners", "Your own organisation leads the activity: remove it"))
        elif organisation_id not in partner_ids:
            partner_ids.append(organisation_id)

    ambition_ids: list[int] = []
    for code in rules.split_list(cells.get("ambitions", "")):
        ambition_id = lookups.ambition_ids_by_code.get(code.upper())
        if ambition_id is None:
            errors.append(
                (
                    "ambitions",
                    f"‘{code[:40]}’ is not an Ambition code: use HEALTHY, GROWING, "
                    "THRIVING or RESILIENT",
                )
            )
        else:
            ambition_ids.append(ambition_id)
    goals: list[rules.GoalInfo] = []
    goal_codes_ok = True
    for code in rules.split_list(cells.get("goals", "")):
        goal = lookups.goals_by_code.get(code.upper())
        if goal is None:
            goal_codes_ok = False
            errors.append(("goals", f"‘{code[:40]}’ is not a goal code, like HEALTHY-1"))
        elif goal not in goals:
            goals.append(goal)
    if goal_codes_ok:
        errors.extend(rules.check_tags(ambition_ids, goals, lookups.ambition_names))

    citywide = False
    ward_ids: list[int] = []
    for key in rules.split_list(cells.get("wards", "")):
        if key.lower() == "citywide":
            citywide = True
            continue
        ward_id = lookups.ward_ids_by_key.get(key.lower())
        if ward_id is None:
            errors.append(("wards", f"‘{key[:80]}’ is not a Leeds ward name or ONS code"))
        elif ward_id not in ward_ids:
            ward_ids.append(ward_id)
    if citywide and ward_ids:
        errors.append(("wards", "Give either wards or citywide, not both"))
    elif not citywide and not ward_ids and not any(c == "wards" for c, _ in errors):
        errors.append(("wards", "Enter at least one ward, or the word citywide"))

    dates = {}
    for column in ("start_date", "end_date"):
        raw = (cells.get(column) or "").strip()
        if not raw:
            errors.append((column, f"Enter the {column.replace('_', ' ')}"))
            continue
        try:
            dates[column] = rules.parse_date(raw)
        except ValueError as error:
            errors.append((column, str(error)))
    date_problem = rules.check_dates(dates.get("start_date"), dates.get("end_date"))
    if date_problem:
        errors.append(("end_date", date_problem))

    people_reached, volunteer_hours, spend = 0, Decimal(0), Decimal(0)
    try:
        people_reached = rules.parse_count(
            cells.get("people_reached", ""), what="people reached", example="250"
        )
    except ValueError as error:
        errors.append(("people_reached", str(error)))
    try:
        volunteer_hours = rules.parse_amount(
            cells.get("volunteer_hours", ""),
            maximum=rules.HOURS_MAX,
            places=1,
            what="volunteer hours",
            example="12 or 7.5",
        )
    except ValueError as error:
        errors.append(("volunteer_hours", str(error)))
    try:
        spend = rules.parse_amount(
            cells.get("spend", ""),
            maximum=rules.SPEND_MAX,
            places=2,
            what="spend",
            example="1500 or 1500.50",
        )
    except ValueError as error:
        errors.append(("spend", str(error)))

    visibility = (cells.get("visibility") or "").strip().lower() or "public"
    if visibility not in ("public", "private"):
        errors.append(("visibility", "Enter public or private"))

    if errors:
        return RowResult(number, None, errors)
    values = rules.ActivityValues(
        title=title,
        description=description,
        start_date=dates["start_date"],
        end_date=dates["end_date"],
        goal_ids=[goal.id for goal in goals],
        citywide=citywide,
        ward_ids=ward_ids,
        partner_ids=partner_ids,
        people_reached=people_reached,
        volunteer_hours=volunteer_hours,
        spend=spend,
        outcomes=outcomes,
        is_public=visibility == "public",
    )
    return RowResult(number, values, [])


def template_csv() -> str:
    """The downloadable template: the header and two example rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()
