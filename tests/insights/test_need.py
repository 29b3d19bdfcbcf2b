"""Where activity meets need (per 1,000 residents by ward deprivation), ward populations in the
admin-replaceable ward figures, and the gap view's pledges at risk or lapsed."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select

from portal.core.models import Ambition, Ward, utcnow
from portal.extensions import db
from portal.insights import read
from portal.insights.jobs import refresh_insights
from portal.pledges.models import SocialValueMeasure
from portal.scorecard.models import WardDeprivation
from portal.scorecard.services import population_is_illustrative, shipped_deprivation_rows
from tests.factories import convenor, member_of, platform_admin
from tests.insights.test_pages import fig, html_table, page_text, plain, snapshot, wards
from tests.insights.world import add_pledges, build_world, pledge
from tests.scorecard.factories import load_scorecard
from tests.scorecard.test_import import upload

NOTICE = "Illustrative population"


def ward_figures(*rows: tuple[Ward, int, float, int | None], illustrative: bool = False) -> None:
    """Replace every ward's figures with these (ward, decile, share, population) rows."""
    db.session.execute(WardDeprivation.__table__.delete())
    for ward, decile, share, population in rows:
        db.session.add(
            WardDeprivation(
                ward_id=ward.id,
                decile=decile,
                share_most_deprived=share,
                population=population,
                is_illustrative=False,
                population_is_illustrative=illustrative,
            )
        )
    db.session.commit()


def need_fixture() -> list[Ward]:
    """Three wards with figures: W1 and W2 in decile 1, W3 in decile 10; the other 30 have none.
    HEALTHY activities: W1 30 (6 organisations), W2 10 (5), W3 9 (5); exchanges delivered:
    W1 5 (5), W3 6 (5), W2 none."""
    w1, w2, w3 = wards()[:3]
    ward_figures((w1, 1, 70.0, 20000), (w2, 1, 60.5, 25000), (w3, 10, 0.0, 18000))
    h = {"ambition": "HEALTHY"}
    snapshot(
        [
            fig("activities.count", 30, 6, ward_code=w1.ons_code, **h),
            fig("activities.count", 10, 5, ward_code=w2.ons_code, **h),
            fig("activities.count", 9, 5, ward_code=w3.ons_code, **h),
            fig("exchange.matches_delivered", 5, 5, ward_code=w1.ons_code, **h),
            fig("exchange.matches_delivered", 6, 5, ward_code=w3.ons_code, **h),
            fig("activities.count", 3, 6, ward_code=w3.ons_code),  # all Ambitions
        ]
    )
    return [w1, w2, w3]


def test_need_shows_per_thousand_figures_most_deprived_least_active_first(client, login) -> None:
    w1, w2, w3 = need_fixture()
    login(convenor("HEALTHY"))
    response = client.get("/insights/HEALTHY/need")
    assert response.status_code == 200
    rows = html_table(response, "need")
    # W2: 10 / 25,000 x 1,000 = 0.40 activities, no exchanges; W1: 30 / 20,000 x 1,000 = 1.50,
    # 5 / 20,000 x 1,000 = 0.25; W3: 9 / 18,000 x 1,000 = 0.50, 6 / 18,000 x 1,000 = 0.33.
    # Decile 1 first, the less active of its wards first; wards without figures last by name.
    assert rows[:3] == [
        [w2.name, "1", "60.50", "25,000", "0.40", "0"],
        [w1.name, "1", "70", "20,000", "1.50", "0.25"],
        [w3.name, "10", "0", "18,000", "0.50", "0.33"],
    ]
    others = [row[0] for row in rows[3:]]
    assert len(others) == 30 and others == sorted(others)
    assert rows[3][1:] == ["No figure"] * 5
    html = response.get_data(as_text=True)
    assert html.index('id="chart-need-desc"') > html.index('id="table-need"')  # table first
    assert NOTICE not in page_text(response)
    # The city-wide page: every Ambition's figures (3 activities in W3: 0.17 per 1,000).
    city = html_table(client.get("/insights/need"), "need")
    assert city[:2] == [  # no activity in decile 1: ward name order
        [w1.name, "1", "70", "20,000", "0", "0"],
        [w2.name, "1", "60.50", "25,000", "0", "0"],
    ]
    assert city[2] == [w3.name, "10", "0", "18,000", "0.17", "0"]


def test_need_says_while_any_figure_is_illustrative(client, login) -> None:
    w1, w2, _w3 = need_fixture()
    login(convenor("HEALTHY"))
    ward_figures((w1, 1, 70.0, 20000), (w2, 1, 60.5, None))  # a ward without a population
    assert NOTICE in page_text(client.get("/insights/HEALTHY/need"))
    ward_figures((w1, 1, 70.0, 20000), (w2, 1, 60.5, 25000), illustrative=True)
    assert NOTICE in page_text(client.get("/insights/HEALTHY/need"))
    load_scorecard()  # the shipped figures: illustrative
    db.session.execute(WardDeprivation.__table__.delete())
    load_scorecard()
    assert population_is_illustrative()
    assert NOTICE in page_text(client.get("/insights/HEALTHY/need"))


def test_the_dashboard_and_overview_link_to_need(client, login) -> None:
    need_fixture()
    login(convenor("HEALTHY"))
    assert 'href="/insights/HEALTHY/need"' in client.get("/insights/HEALTHY").get_data(True)
    assert 'href="/insights/need"' in client.get("/insights/").get_data(True)


def test_need_access_follows_the_dashboard(client, login) -> None:
    need_fixture()
    for path in ("/insights/HEALTHY/need", "/insights/need"):
        assert client.get(path).headers["Location"].startswith("/sign-in")
    login(convenor("HEALTHY"))
    assert client.get("/insights/HEALTHY/need").status_code == 200
    assert client.get("/insights/GROWING/need").status_code == 403
    assert client.get("/insights/GROWING/need/tables/need.csv").status_code == 403
    client.post("/sign-out")
    login(member_of())
    assert client.get("/insights/need").status_code == 200
    assert client.get("/insights/need/tables/need.csv").status_code == 200
    assert client.get("/insights/HEALTHY/need").status_code == 403


def test_need_export_equals_the_page(client, login) -> None:
    need_fixture()
    login(convenor("HEALTHY"))
    shown = html_table(client.get("/insights/HEALTHY/need"), "need")
    exported = client.get("/insights/HEALTHY/need/tables/need.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows[0][4] == "Activities per 1,000 residents"
    assert [[plain(c) for c in r] for r in rows[1:]] == [[plain(c) for c in r] for r in shown]
    assert rows[1][4] == "0.40"


# ------------------------------------------------------------------ ward populations upload


def population_file(population: dict[str, str] | None = None, column: bool = True) -> str:
    population = population or {}
    rows = ["ward,share_most_deprived,source" + (",population" if column else "")]
    for number, row in enumerate(shipped_deprivation_rows()):
        extra = f",{population.get(row['ward'], 20000 + number)}" if column else ""
        rows.append(f'"{row["ward"]}",{row["share_most_deprived"]},ONS{extra}')
    return "\n".join(rows) + "\n"


def test_shipped_populations_are_illustrative_leeds_sized() -> None:
    load_scorecard()
    found = list(db.session.scalars(select(WardDeprivation)))
    assert len(found) == 33
    assert all(17000 <= d.population <= 30000 and d.population_is_illustrative for d in found)


def test_an_upload_with_population_replaces_them_and_the_export_has_them(client, login) -> None:
    load_scorecard()
    login(platform_admin())
    response = upload(
        client, population_file({"Armley": '"31,250"'}), url="/scorecard/wards/upload"
    )
    assert response.status_code == 302
    db.session.expire_all()
    armley = db.session.scalar(select(WardDeprivation).join(Ward).where(Ward.name == "Armley"))
    assert armley.population == 31250 and not armley.population_is_illustrative
    assert not population_is_illustrative()
    exported = list(csv.DictReader(io.StringIO(client.get("/scorecard/wards/figures.csv").text)))
    assert {row["ward"]: row["population"] for row in exported}["Armley"] == "31250"
    assert NOTICE not in page_text(client.get("/insights/need"))


def test_an_upload_without_population_keeps_the_illustrative_ones(client, login) -> None:
    load_scorecard()
    before = dict(
        db.session.execute(select(WardDeprivation.ward_id, WardDeprivation.population)).all()
    )
    login(platform_admin())
    assert (
        upload(client, population_file(column=False), url="/scorecard/wards/upload").status_code
        == 302
    )
    db.session.expire_all()
    assert (
        dict(db.session.execute(select(WardDeprivation.ward_id, WardDeprivation.population)).all())
        == before
    )
    assert population_is_illustrative()
    snapshot([])
    assert NOTICE in page_text(client.get("/insights/need"))


def test_a_bad_population_is_refused_with_its_column(client, login) -> None:
    load_scorecard()
    login(platform_admin())
    bad = {"Armley": "lots", "Harewood": "0", "Wetherby": "12.5"}
    response = upload(client, population_file(bad), url="/scorecard/wards/upload")
    assert response.status_code == 200
    rows = html_table_rows(response.get_data(as_text=True))
    problems = [row for row in rows if row[1] == "population"]
    assert len(problems) == 3
    assert all("whole number of residents above 0" in row[2] for row in problems)
    assert "nothing was changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert population_is_illustrative()


def html_table_rows(html: str) -> list[list[str]]:
    """The upload page's problems table: [row, column, message] per problem."""
    body = html.split("Problems in the file", 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]


# ------------------------------------------------------------------ pledges at risk or lapsed


def test_at_risk_and_lapsed_pledges_are_counted_by_hand(app) -> None:
    world = build_world()
    add_pledges(world)  # p5 (A, no Ambition) at risk: 5 of 100 delivered, 55% of time gone
    measure = db.session.scalar(select(SocialValueMeasure).where(SocialValueMeasure.code == "T1"))
    today = utcnow().date()
    # p6: C, ended 30 days ago with 3 of 10: lapsed (HEALTHY).
    pledge(
        world.c, measure, 10, today - timedelta(days=400), end=today - timedelta(days=30),
        ambitions=["HEALTHY"], reports=[(today - timedelta(days=40), 3)],
    )  # fmt: skip
    # p7 and p8: B, 100 days of 365 gone (27.4%, less 25 points: 2.4%): 2 delivered is at risk,
    # 3 is not. p9: A, ended with its target reached: not lapsed.
    for units in (2, 3):
        pledge(
            world.b, measure, 100, today - timedelta(days=100), ambitions=["HEALTHY"],
            reports=[(today - timedelta(days=5), units)],
        )  # fmt: skip
    pledge(
        world.a, measure, 10, today - timedelta(days=400), end=today - timedelta(days=30),
        ambitions=["HEALTHY"], reports=[(today - timedelta(days=40), 10)],
    )  # fmt: skip
    db.session.commit()
    refresh_insights()
    assert read.total("pledges.at_risk").value == 2  # p5, p7
    assert read.total("pledges.lapsed").value == 1  # p6
    assert read.total("pledges.at_risk", ambition="HEALTHY").value == 1  # p7
    assert read.total("pledges.lapsed", ambition="HEALTHY").value == 1
    assert read.total("pledges.lapsed", ambition="GROWING") is None  # p2 achieved: none
    # Suppression goes by the organisations behind each: A and B at risk, C lapsed.
    assert read.total("pledges.at_risk").org_count == 2
    assert read.total("pledges.lapsed").org_count == 1


def test_the_gap_view_shows_pledges_at_risk_or_lapsed_and_links_to_them(client, login) -> None:
    h = {"ambition": "HEALTHY"}
    snapshot([fig("pledges.at_risk", 7, 6, **h), fig("pledges.lapsed", 2, 6, **h)])
    healthy = db.session.scalar(select(Ambition.id).where(Ambition.code == "HEALTHY"))
    login(convenor("HEALTHY"))
    gaps = client.get("/insights/HEALTHY/gaps")
    assert [row[1] for row in html_table(gaps, "pledges")] == ["7", "2"]
    html = gaps.get_data(as_text=True)
    assert f'href="/pledges?ambition={healthy}"' in html
    assert "/pledges/admin/overdue" not in html
    client.post("/sign-out")
    login(platform_admin())
    html = client.get("/insights/HEALTHY/gaps").get_data(as_text=True)
    assert 'href="/pledges/admin/overdue"' in html
    snapshot([fig("pledges.at_risk", 3, 3, **h)])  # 3 organisations: hidden
    rows = html_table(client.get("/insights/HEALTHY/gaps"), "pledges")
    assert rows[0][1] == "fewer than 5"
