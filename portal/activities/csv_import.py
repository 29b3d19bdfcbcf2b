"""The activities CSV file: its columns, how each cell is read, and the checks across cells.

Pure: lookups come in as plain data; reading and checking the file is `core.csv_rows`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.csv_rows import Column, CsvSpec, Row, RowCheck
from ..core.csv_rows import template_csv as _template_csv
from . import rules

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


@dataclass
class Lookups:
    """Reference data as plain values, so checking 10,000 rows needs no further queries."""

    goals_by_code: dict[str, rules.GoalInfo]
    ambition_ids_by_code: dict[str, int]
    ambition_names: dict[int, str]
    ward_ids_by_key: dict[str, int]  # lower-cased name and ONS code
    organisation_ids_by_name: dict[str, int]  # lower-cased name, approved organisations only
    lead_organisation_id: int


ActivityRow = Row[Lookups]


def _text(maximum: int) -> Callable[[str, ActivityRow], str]:
    def parse(text: str, row: ActivityRow) -> str:
        if len(text) > maximum:
            raise ValueError(f"Must be {maximum:,} characters or fewer")
        return text

    return parse


def _partners(text: str, row: ActivityRow) -> list[int]:
    ids: list[int] = []
    for name in rules.split_list(text):
        organisation_id = row.context.organisation_ids_by_name.get(name.lower())
        if organisation_id is None:
            row.fail("partners", f"No approved organisation is called ‘{name[:80]}’")
        elif organisation_id == row.context.lead_organisation_id:
            row.fail("partners", "Your own organisation leads the activity: remove it")
        elif organisation_id not in ids:
            ids.append(organisation_id)
    return ids


def _ambitions(text: str, row: ActivityRow) -> list[int]:
    ids: list[int] = []
    for code in rules.split_list(text):
        ambition_id = row.context.ambition_ids_by_code.get(code.upper())
        if ambition_id is None:
            row.fail(
                "ambitions",
                f"‘{code[:40]}’ is not an Ambition code: use HEALTHY, GROWING, "
                "THRIVING or RESILIENT",
            )
        else:
            ids.append(ambition_id)
    return ids


def _goals(text: str, row: ActivityRow) -> list[rules.GoalInfo]:
    goals: list[rules.GoalInfo] = []
    for code in rules.split_list(text):
        goal = row.context.goals_by_code.get(code.upper())
        if goal is None:
            row.fail("goals", f"‘{code[:40]}’ is not a goal code, like HEALTHY-1")
        elif goal not in goals:
            goals.append(goal)
    return goals


def _wards(text: str, row: ActivityRow) -> tuple[bool, list[int]]:
    """(citywide, ward ids)."""
    citywide = False
    ids: list[int] = []
    for key in rules.split_list(text):
        if key.lower() == "citywide":
            citywide = True
            continue
        ward_id = row.context.ward_ids_by_key.get(key.lower())
        if ward_id is None:
            row.fail("wards", f"‘{key[:80]}’ is not a Leeds ward name or ONS code")
        elif ward_id not in ids:
            ids.append(ward_id)
    if citywide and ids:
        raise ValueError("Give either wards or citywide, not both")
    if not citywide and not ids and not row.failed("wards"):
        raise ValueError("Enter at least one ward, or the word citywide")
    return citywide, ids


def _date(text: str, row: ActivityRow) -> object:
    return rules.parse_date(text)


def _people(text: str, row: ActivityRow) -> int:
    return rules.parse_count(text, what="people reached", example="250")


def _hours(text: str, row: ActivityRow) -> object:
    return rules.parse_amount(
        text, maximum=rules.HOURS_MAX, places=1, what="volunteer hours", example="12 or 7.5"
    )


def _spend(text: str, row: ActivityRow) -> object:
    return rules.parse_amount(
        text, maximum=rules.SPEND_MAX, places=2, what="spend", example="1500 or 1500.50"
    )


def _visibility(text: str, row: ActivityRow) -> bool:
    """True for public (the default)."""
    visibility = text.lower() or "public"
    if visibility not in ("public", "private"):
        raise ValueError("Enter public or private")
    return visibility == "public"


def _check_tags(row: ActivityRow) -> None:
    ambition_ids = row.values.get("ambitions") or []
    for column, message in rules.check_tags(
        ambition_ids, row.values["goals"], row.context.ambition_names
    ):
        row.fail(column, message)


def _check_dates(row: ActivityRow) -> None:
    problem = rules.check_dates(row.values["start_date"], row.values["end_date"])
    if problem:
        row.fail("end_date", problem)


def _build(row: ActivityRow) -> rules.ActivityValues:
    values = row.values
    citywide, ward_ids = values["wards"]
    return rules.ActivityValues(
        title=values["title"],
        description=values["description"],
        start_date=values["start_date"],
        end_date=values["end_date"],
        goal_ids=[goal.id for goal in values["goals"]],
        citywide=citywide,
        ward_ids=ward_ids,
        partner_ids=values["partners"],
        people_reached=values["people_reached"],
        volunteer_hours=values["volunteer_hours"],
        spend=values["spend"],
        outcomes=values["outcomes"],
        is_public=values["visibility"],
    )


def _same_activity(values: rules.ActivityValues) -> tuple[object, ...]:
    """Two rows describe the same activity when title, dates and place agree: importing both
    would count its people, hours and spend twice."""
    return (
        " ".join(values.title.casefold().split()),
        values.start_date,
        values.end_date,
        values.citywide,
        tuple(sorted(values.ward_ids)),
    )


def _repeats(first_row: int) -> tuple[str, str]:
    return (
        "title",
        f"This repeats row {first_row}: the same title, dates and wards. Delete one of the rows",
    )


SPEC: CsvSpec[Lookups, rules.ActivityValues] = CsvSpec(
    columns=[
        Column(
            "title",
            f"The activity's name, up to {rules.TITLE_MAX} characters.",
            required=True,
            parse=_text(rules.TITLE_MAX),
            blank="Enter the activity's title",
        ),
        Column(
            "description",
            "What the activity is and who it is for.",
            parse=_text(rules.DESCRIPTION_MAX),
        ),
        Column(
            "partners",
            "Partner organisations' names as listed in the directory, separated by semicolons.",
            parse=_partners,
        ),
        Column(
            "ambitions",
            "Ambition codes (HEALTHY, GROWING, THRIVING, RESILIENT) separated by semicolons. "
            "Leave blank to take them from the goals.",
            parse=_ambitions,
        ),
        Column("goals", "Goal codes such as HEALTHY-1; GROWING-2 (at least one).", True, _goals),
        Column(
            "wards",
            "Ward names or ONS codes separated by semicolons, or the word citywide.",
            True,
            _wards,
        ),
        Column(
            "start_date",
            "For example 2026-04-01 or 01/04/2026.",
            True,
            _date,
            "Enter the start date",
        ),
        Column(
            "end_date", "The same as or after the start date.", True, _date, "Enter the end date"
        ),
        Column("people_reached", "A whole number, for example 250. Blank means 0.", parse=_people),
        Column("volunteer_hours", "A number, for example 12 or 7.5. Blank means 0.", parse=_hours),
        Column("spend", "Pounds, for example 1500 or £1,500.00. Blank means 0.", parse=_spend),
        Column(
            "outcomes", "What changed because of the activity.", parse=_text(rules.OUTCOMES_MAX)
        ),
        Column("visibility", "public or private. Blank means public.", parse=_visibility),
    ],
    checks=[
        RowCheck(("goals",), _check_tags),
        RowCheck(("start_date", "end_date"), _check_dates),
    ],
    build=_build,
    what="activities",
    duplicate_key=_same_activity,
    duplicate=_repeats,
)
# (column, required, what goes in it), for the import page.
COLUMNS: list[tuple[str, bool, str]] = [(c.name, c.required, c.help) for c in SPEC.columns]
COLUMN_NAMES = SPEC.names


def template_csv() -> str:
    """The downloadable template: the header and two example rows."""
    return _template_csv(SPEC, EXAMPLE_ROWS)
