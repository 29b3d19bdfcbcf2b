"""The insights pages: who may open them, the snapshot's figures as shown and exported, drill-down
links, the status line, suppression on the page, and a query count independent of data size."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from portal.core.models import Ambition, Goal, Ward
from portal.extensions import db
from portal.insights import tables
from portal.insights.jobs import refresh_insights
from portal.insights.models import (
    CURRENT,
    FAILED,
    SUPERSEDED,
    InsightFigure,
    InsightSnapshot,
    InsightState,
)
from portal.insights.suppression import recoverable
from portal.scorecard.models import Indicator
from tests.activities.factories import ActivityFactory
from tests.factories import OrganisationFactory, convenor, member_of, platform_admin
from tests.scorecard.factories import load_scorecard

COMPUTED_AT = datetime(2026, 6, 1, 9, 30)
AMBITIONS = ("HEALTHY", "GROWING", "THRIVING", "RESILIENT")


def wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def fig(measure: str, value: Any, orgs: int, **columns: Any) -> dict[str, Any]:
    return {
        "measure": measure,
        "value": Decimal(str(value)),
        "org_count": orgs,
        "period": "all",
        **columns,
    }


def snapshot(figures: list[dict[str, Any]], computed_at: datetime = COMPUTED_AT) -> int:
    """A current snapshot holding exactly `figures` (the one before it superseded)."""
    db.session.execute(
        update(InsightSnapshot).where(InsightSnapshot.status == CURRENT).values(status=SUPERSEDED)
    )
    entry = InsightSnapshot(status=CURRENT, computed_at=computed_at)
    db.session.add(entry)
    db.session.flush()
    db.session.add_all(InsightFigure(snapshot_id=entry.id, **f) for f in figures)
    db.session.commit()
    return entry.id


def healthy_fixture() -> list[dict[str, Any]]:
    """HEALTHY: 12 activities from 6 organisations, by ward (8 from 5 in the first ward, 4 from 2 in
    the second: hidden, and so the first too) and two years; pledges and exchanges."""
    first, second, third = (ward.ons_code for ward in wards()[:3])
    h = {"ambition": "HEALTHY"}
    return [
        fig("activities.count", 12, 6, **h),
        fig("activities.people_reached", 340, 6, **h),
        fig("activities.volunteer_hours", "75.5", 6, **h),
        fig("activities.spend", 1200, 6, **h),
        fig("pledges.promised", 5000, 5, **h),
        fig("pledges.delivered", 2000, 5, **h),
        fig("exchange.matches_delivered", 7, 3, **h),  # 3 organisations: hidden
        fig("activities.count", 8, 5, ward_code=first, **h),
        fig("activities.count", 4, 2, ward_code=second, **h),
        fig("activities.count", 12, 6, decile=1, **h),
        fig("activities.count", 5, 5, **{**h, "period": "2025"}),
        fig("activities.count", 7, 6, **{**h, "period": "2026"}),
        fig("activities.count", 30, 20),
        fig("activities.people_reached", 900, 20),
        fig("pledges.promised", 9000, 9),
        fig("pledges.delivered", 4000, 9),
        fig("exchange.matches_delivered", 11, 8),
        # Self-assessments (every Ambition, yearly): C2 at level 2 has 2 organisations.
        fig("assessment.level_count", 6, 6, dimension="C1:1", period="2026"),
        fig("assessment.level_count", 5, 5, dimension="C1:3", period="2026"),
        fig("assessment.level_count", 2, 2, dimension="C2:2", period="2026"),
        fig("assessment.level_count", 7, 7, dimension="C2:4", period="2026"),
        fig("assessment.level_count", 5, 5, dimension="C1:1", period="2025"),
        fig("exchange.unmet_requests", 9, 6, ward_code=first, **h),
        fig("exchange.unmet_requests", 3, 3, ward_code=second, **h),
        fig("exchange.unmet_requests", 4, 5, ward_code=third, **h),
        fig("activities.count", 12, 6, goal_id=healthy_goal().id, **h),
        fig("scorecard.latest", "81.2", 0, dimension=healthy_indicator().code, **h),
        fig("scorecard.direction", 1, 0, dimension=healthy_indicator().code, **h),
    ]


def healthy_goal() -> Goal:
    return db.session.scalar(select(Goal).where(Goal.code == "HEALTHY-1"))


def healthy_indicator() -> Indicator:
    load_scorecard()
    healthy = db.session.scalar(select(Ambition.id).where(Ambition.code == "HEALTHY"))
    return db.session.scalars(
        select(Indicator).where(Indicator.ambition_id == healthy).order_by(Indicator.position)
    ).first()


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def html_table(response: Any, slug: str) -> list[list[str]]:
    """The rows (heading cells and data cells, as text) of the table `table-<slug>`."""
    html = response.get_data(as_text=True)
    match = re.search(rf'<table class="govuk-table" id="table-{slug}">(.*?)</table>', html, re.S)
    assert match, f"no table {slug}"
    body = match.group(1).split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr.*?>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(
            [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip() for c in cells]
        )
    return rows


def plain(text: str) -> Any:
    """A cell as a number where it is one ("1,200", "75.50" and 75.5 compare equal)."""
    try:
        return Decimal(text.replace(",", ""))
    except ArithmeticError:
        return text


# ------------------------------------------------------------------------------ who may enter


def test_a_convenor_opens_their_ambition_only(client, login) -> None:
    snapshot(healthy_fixture())
    login(convenor("HEALTHY"))
    assert client.get("/insights/HEALTHY").status_code == 200
    assert client.get("/insights/healthy/gaps").status_code == 200
    assert client.get("/insights/GROWING").status_code == 403
    assert client.get("/insights/GROWING/gaps").status_code == 403
    assert client.get("/insights/GROWING/tables/headline.csv").status_code == 403
    assert client.get("/insights/NOTANAMBITION").status_code == 404


def test_a_platform_admin_opens_all_four(client, login) -> None:
    snapshot(healthy_fixture())
    login(platform_admin())
    for code in AMBITIONS:
        response = client.get(f"/insights/{code}")
        assert response.status_code == 200, code
    overview = page_text(client.get("/insights/"))
    for code in AMBITIONS:
        name = db.session.scalar(select(Ambition.name).where(Ambition.code == code))
        assert f"{name} dashboard" in overview


def test_a_member_sees_the_overview_but_no_dashboard(client, login) -> None:
    snapshot(healthy_fixture())
    login(member_of())
    overview = client.get("/insights/")
    assert overview.status_code == 200
    assert "/insights/HEALTHY" not in overview.get_data(as_text=True)
    for code in AMBITIONS:
        assert client.get(f"/insights/{code}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for path in ("/insights/", "/insights/HEALTHY", "/insights/HEALTHY/gaps"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


# ------------------------------------------------------------------------------ figures


def test_the_dashboard_shows_the_snapshots_figures(client, login) -> None:
    snapshot(healthy_fixture())
    login(convenor("HEALTHY"))
    response = client.get("/insights/HEALTHY")
    assert html_table(response, "headline") == [
        ["Activities", "12"],
        ["People reached", "340"],
        ["Volunteer hours", "75.50"],
        ["Spend (£)", "1,200"],
        ["Social value promised (£)", "5,000"],
        ["Social value delivered (£)", "2,000"],
        ["Exchanges delivered", "fewer than 5"],  # 3 organisations
        ["Events held", "0"],
        ["People at events", "0"],
    ]
    ward_rows = {row[0]: row[1] for row in html_table(response, "wards")}
    first, second, third = (w.name for w in wards()[:3])
    # 2 organisations in the second ward; the first would give it away against the total.
    assert ward_rows[second] == "fewer than 5"
    assert ward_rows[first] == "fewer than 5"
    assert ward_rows[third] == "0"
    assert html_table(response, "trend")[0][:2] == ["2025", "5"]
    assert html_table(response, "trend")[1][:2] == ["2026", "7"]
    assert {row[0]: row[1] for row in html_table(response, "deciles")}["1 (most deprived)"] == "12"
    assert "Figures computed at" in page_text(response)


def test_the_home_page_shows_the_public_headline(client) -> None:
    assert "The partnership in figures" not in page_text(client.get("/"))
    snapshot(healthy_fixture())
    text = page_text(client.get("/"))
    assert "Social value promised (£) 9,000" in text
    assert "Social value delivered (£) 4,000" in text
    assert "Exchanges delivered 11" in text


def test_a_filter_that_is_not_offered_is_refused_without_an_error_page(client, login) -> None:
    snapshot(healthy_fixture())
    login(convenor("HEALTHY"))
    response = client.get("/insights/HEALTHY?period=1999&ward=nowhere&network=abc&org_kind=x")
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Choose from the options given" in text
    assert html_table(response, "headline")[0] == ["Activities", "12"]  # filters ignored


def test_the_ward_filter_reads_that_wards_figures(client, login) -> None:
    first = wards()[0]
    snapshot(
        [
            fig("activities.count", 40, 9, ambition="HEALTHY"),
            fig("activities.count", 25, 7, ambition="HEALTHY", ward_code=first.ons_code),
        ]
    )
    login(convenor("HEALTHY"))
    response = client.get(f"/insights/HEALTHY?ward={first.ons_code}")
    assert html_table(response, "headline")[0] == ["Activities", "25"]
    assert [row[0] for row in html_table(response, "wards")] == [first.name]
    assert f"Showing: period All time, ward {first.name}." in page_text(response)
    exported = client.get(f"/insights/HEALTHY/tables/headline.xlsx?ward={first.ons_code}")
    book = load_workbook(io.BytesIO(exported.data))
    assert list(book["headline"].iter_rows(values_only=True))[1] == ("Activities", 25)
    about = dict(book["About these figures"].iter_rows(values_only=True))
    assert about["Ward"] == first.name
    assert about["Figures computed at"] == "2026-06-01T09:30"


# ------------------------------------------------------------------------------ status line


def test_before_the_first_snapshot_the_page_says_so(client, login) -> None:
    login(platform_admin())
    text = page_text(client.get("/insights/HEALTHY"))
    assert "No figures yet" in text
    db.session.add(InsightState(id=1, dirty=True))
    db.session.commit()
    assert "The first figures are being computed" in page_text(client.get("/insights/HEALTHY"))


def test_a_pending_run_and_a_failed_run_are_shown(client, login) -> None:
    snapshot(healthy_fixture())
    login(platform_admin())
    assert "Figures computed at 1 June 2026" in page_text(client.get("/insights/HEALTHY"))
    assert "being computed" not in page_text(client.get("/insights/HEALTHY"))
    db.session.add(InsightState(id=1, dirty=True))
    db.session.commit()
    assert "Newer figures are being computed" in page_text(client.get("/insights/HEALTHY"))
    db.session.add(InsightSnapshot(status=FAILED, error="boom"))
    db.session.commit()
    text = page_text(client.get("/insights/HEALTHY"))
    assert "The last refresh of the figures failed" in text
    assert html_table(client.get("/insights/HEALTHY"), "headline")[0] == ["Activities", "12"]


# ------------------------------------------------------------------------------ exports


@pytest.mark.parametrize(
    ("path", "slugs"),
    [
        (
            "/insights/HEALTHY",
            (
                *("headline", "trend", "wards", "deciles", "maturity", "dimensions", "change"),
                "scorecard",
            ),
        ),
        ("/insights/HEALTHY/gaps", ("unmet", "pledges", "weakest_dimensions", "weakest", "goals")),
        ("/insights/", ("headline", "ambitions", "wards", "deciles")),
        ("/insights/HEALTHY/need", ("need",)),
        ("/insights/need", ("need",)),
    ],
)
def test_every_table_exports_what_the_page_shows(client, login, path, slugs) -> None:
    snapshot(healthy_fixture())
    login(platform_admin())
    query = "?period=all"
    response = client.get(path + query)
    base = path.rstrip("/") + "/tables"
    for slug in slugs:
        shown = html_table(response, slug)
        assert f'href="{base}/{slug}.csv?period=all"' in response.get_data(as_text=True)
        exported = client.get(f"{base}/{slug}.csv{query}")
        assert exported.status_code == 200, slug
        rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
        assert [[plain(c) for c in r] for r in rows[1:]] == [[plain(c) for c in r] for r in shown]
        book = load_workbook(io.BytesIO(client.get(f"{base}/{slug}.xlsx{query}").data))
        sheet = [
            [("" if v is None else str(v)) for v in r]
            for r in book.active.iter_rows(values_only=True)
        ]
        assert sheet[0] == rows[0]
        assert [[plain(c) for c in r] for r in sheet[1:]] == [
            [plain(c) for c in r] for r in rows[1:]
        ]
    assert client.get(f"{base}/nosuchtable.csv").status_code == 404


# ------------------------------------------------------------------------------ drill-down


def test_headline_figures_drill_down_to_the_lists_behind_them(client, login) -> None:
    """Real data through a real refresh: the activities list behind the headline has as many."""
    for _ in range(6):
        ActivityFactory(lead_organisation=OrganisationFactory())
    refresh_insights()
    login(platform_admin())
    response = client.get("/insights/HEALTHY")
    headline = dict(html_table(response, "headline"))
    assert headline["Activities"] == "6"
    html = response.get_data(as_text=True)
    links = {
        label: unescape(href)
        for href, label in re.findall(
            r'<a class="govuk-link" href="([^"]+)">([^<]+)</a></th>', html
        )
    }
    healthy = db.session.scalar(select(Ambition.id).where(Ambition.code == "HEALTHY"))
    assert links["Activities"] == f"/activities?ambition={healthy}"
    assert links["Social value promised (£)"] == f"/pledges?ambition={healthy}"
    assert links["Exchanges delivered"] == "/exchange/impact#ambition-HEALTHY"
    for href in links.values():
        assert client.get(href).status_code == 200, href
    assert "6 activities" in page_text(client.get(links["Activities"]))


# ------------------------------------------------------------------------------ suppression


def test_no_hidden_figure_on_any_page_can_be_worked_out(client, login, monkeypatch) -> None:
    published: list[Any] = []
    real = tables.published

    def recording(rows: Any, **totals: Any) -> Any:
        table = real(rows, **totals)
        published.append(table)
        return table

    monkeypatch.setattr(tables, "published", recording)
    snapshot(healthy_fixture())
    login(platform_admin())
    paths = ("/insights/", "/insights/HEALTHY", "/insights/HEALTHY/gaps", "/insights/HEALTHY/need")
    for path in (*paths, "/insights/need", "/"):
        assert client.get(path).status_code == 200
    assert any(table.hidden for table in published)
    for table in published:
        assert recoverable(table) == set()


# ------------------------------------------------------------------------------ cost


def test_a_dashboard_costs_the_same_queries_with_ten_times_the_data(
    client, login, count_queries
) -> None:
    login(platform_admin())
    paths = (
        "/insights/HEALTHY",
        "/insights/HEALTHY/gaps",
        "/insights/HEALTHY/need",
        "/insights/need",
        "/insights/",
    )

    def queries_with(activities: int) -> int:
        """The first view of each page after a refresh: its figures read afresh."""
        for _ in range(activities):
            ActivityFactory(lead_organisation=OrganisationFactory())
        refresh_insights()
        counts = []
        for path in paths:
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            counts.append(counter.count)
        return sum(counts)

    refresh_insights()
    for path in paths:
        client.get(path)  # a page's first view learns which figures it reads, once

    few = queries_with(3)
    many = queries_with(27)  # 30 in all
    assert few == many


def test_figures_read_once_per_version_and_again_after_every_refresh(
    client, login, count_queries
) -> None:
    snapshot_id = snapshot(healthy_fixture())
    login(convenor("HEALTHY"))

    pages = []

    def figure_reads() -> int:
        with count_queries() as counter:
            response = client.get("/insights/HEALTHY")
        assert response.status_code == 200
        pages.append(page_text(response))
        return sum("FROM insight_figures" in statement for statement in counter.statements)

    assert figure_reads() > 0
    assert figure_reads() == 0  # the same version: the page's figures are kept
    assert pages[0] == pages[1]
    # An in-place (incremental) refresh changes figures and the time they were computed.
    db.session.execute(
        update(InsightFigure)
        .where(
            InsightFigure.snapshot_id == snapshot_id,
            InsightFigure.measure == "activities.people_reached",
            InsightFigure.ambition == "HEALTHY",
            InsightFigure.ward_code.is_(None),
            InsightFigure.decile.is_(None),
        )
        .values(value=Decimal(345))
    )
    db.session.execute(
        update(InsightSnapshot)
        .where(InsightSnapshot.id == snapshot_id)
        .values(computed_at=datetime(2026, 6, 2, 9, 30))
    )
    db.session.commit()
    response = client.get("/insights/HEALTHY")
    assert ["People reached", "345"] in html_table(response, "headline")
    # A full refresh makes a new snapshot.
    snapshot([fig("activities.people_reached", 400, 6, ambition="HEALTHY")])
    response = client.get("/insights/HEALTHY")
    assert ["People reached", "400"] in html_table(response, "headline")
    assert ["Activities", "0"] in html_table(response, "headline")


def test_maturity_scorecard_and_gaps_show_the_snapshot(client, login) -> None:
    snapshot(healthy_fixture())
    login(convenor("HEALTHY"))
    dashboard = client.get("/insights/HEALTHY")
    maturity = {row[0]: row[1:] for row in html_table(dashboard, "maturity")}
    assert maturity["C1"] == ["6", "0", "5", "0"]
    # 2 organisations at level 2 of C2: hidden, and the other C2 figure with it.
    assert maturity["C2"] == ["0", "fewer than 5", "0", "fewer than 5"]
    assert html_table(dashboard, "scorecard")[0] == [
        healthy_indicator().title,
        "81.20",
        healthy_indicator().unit,
        "Improving",
    ]
    gaps = client.get("/insights/HEALTHY/gaps")
    first, second, third = (ward.name for ward in wards()[:3])
    # The second ward (3 organisations) is hidden, and the third (smaller than the first) with it;
    # hidden figures come last in name order, never ranked; wards with none are left out.
    assert html_table(gaps, "unmet") == [
        [first, "9"],
        *sorted([[second, "fewer than 5"], [third, "fewer than 5"]]),
    ]
    # C1 averages (6 x 1 + 5 x 3) / 11 = 1.91; C2's average would reveal its hidden counts.
    assert html_table(gaps, "weakest") == [["C1", "1.91"], ["C2", "fewer than 5"]]
    goals = html_table(gaps, "goals")
    assert goals[-1] == [f"HEALTHY-1: {healthy_goal().title}", "12"]
    assert all(row[1] == "0" for row in goals[:-1])


def test_a_convenors_account_page_links_to_their_dashboard(client, login) -> None:
    login(convenor("HEALTHY"))
    html = client.get("/account").get_data(as_text=True)
    assert 'href="/insights/HEALTHY"' in html
    assert 'href="/insights/GROWING"' not in html
