"""The pledge pages cost the same however many pledges there are, and the SQL that makes that
possible (totals, the overdue list, the streamed export) gives the figures the per-pledge rules
in `status.py` and `valuation.py` give."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.pledges import services
from portal.pledges.models import Pledge, PledgeExchangeLink, PledgeRevision, ProxyValue
from tests.factories import OrganisationFactory, member_of
from tests.pledges.factories import make_pledge, measure, report
from tests.pledges.test_exchange_links import delivered_match


def _varied_pledges(organisation=None, *, copies: int = 1) -> list[Pledge]:
    """Pledges in every state: running, overdue, lapsed, missed, achieved, not started, revised,
    with pennies that round, a report withdrawn and a linked delivery capped at what was
    delivered."""
    today = utcnow().date()
    made = []
    for n in range(copies):
        organisation = organisation or OrganisationFactory()
        overdue = make_pledge(
            organisation,
            title=f"Overdue {n}",
            target="333.33",
            start=today - timedelta(days=200),
            end=today + timedelta(days=300),
        )
        report(overdue, "10.55", period_end=today - timedelta(days=120))
        fresh = make_pledge(
            organisation,
            title=f"Up to date {n}",
            measure_code="JOBS-6",
            baseline="12.5",
            target="2.25",
            start=today - timedelta(days=200),
            end=today + timedelta(days=300),
        )
        report(fresh, 3, period_end=today - timedelta(days=5))
        withdrawn = report(fresh, 100, period_end=today - timedelta(days=4))
        withdrawn.status = "withdrawn"
        lapsed = make_pledge(
            organisation,
            title=f"Lapsed {n}",
            start=today - timedelta(days=800),
            end=today - timedelta(days=10),
        )
        report(lapsed, "1.01", period_end=today - timedelta(days=500))
        made += [
            overdue,
            fresh,
            lapsed,
            make_pledge(
                organisation,
                title=f"Missed {n}",
                start=today - timedelta(days=90),
                end=today - timedelta(days=1),
            ),
            make_pledge(
                organisation,
                title=f"Not started {n}",
                start=today + timedelta(days=10),
                end=today + timedelta(days=400),
            ),
        ]
        achieved = make_pledge(
            organisation,
            title=f"Achieved {n}",
            target=20,
            start=today - timedelta(days=400),
            end=today + timedelta(days=30),
        )
        match = delivered_match(
            organisation,
            hours="20",
            on=datetime.combine(today - timedelta(days=300), datetime.min.time()),
        )
        # An old link counting more than was delivered: only the 20 hours count.
        db.session.add(PledgeExchangeLink(pledge_id=achieved.id, match_id=match.id, quantity=25))
        revised = make_pledge(
            organisation,
            title=f"Revised {n}",
            target="50.5",
            start=today - timedelta(days=100),
            end=today + timedelta(days=100),
        )
        db.session.add_all(
            [
                PledgeRevision(
                    pledge_id=revised.id,
                    field="target",
                    old_value="80.75",
                    new_value="50.5",
                    reason="x",
                ),
                PledgeRevision(
                    pledge_id=revised.id,
                    field="start_date",
                    old_value=(today - timedelta(days=500)).isoformat(),
                    new_value=revised.start_date.isoformat(),
                    reason="y",
                ),
            ]
        )
        db.session.commit()
        made += [achieved, revised]
    return made


def _older_proxy_years() -> None:
    """A second proxy version for the measures used, so the year a value falls in matters."""
    for code in ("SOC-1", "JOBS-6"):
        versions = measure(code).proxies
        db.session.add(
            ProxyValue(
                measure_id=measure(code).id,
                year=versions[0].year - 2,
                value=(versions[0].value / 3).quantize(Decimal("0.01")),
                source="test",
            )
        )
    db.session.commit()


def _all_progress() -> list[services.Progress]:
    pledges = list(db.session.scalars(services.public_pledges_query()).unique())
    return services.progress_for(pledges)


def test_wall_totals_are_the_per_pledge_figures_summed():
    _older_proxy_years()
    _varied_pledges(copies=2)
    expected = services.totals(_all_progress())
    got = services.public_totals(services.public_pledges_query())
    assert got.count == expected.count == 14
    assert got.promised_value == expected.promised_value
    assert got.original_value == expected.original_value != got.promised_value
    # Public totals count a linked exchange at its linked quantity (as they always have);
    # the pledge itself counts only what was delivered (20 of the 25 hours).
    book = services.proxy_book()
    excess = sum(
        (
            book.delivered_value(p.pledge.measure_id, [(d.on, Decimal(5))])
            for p in _all_progress()
            for d in p.deliveries
            if d.note.startswith("Delivered through")
        ),
        Decimal(0),
    )
    # Public totals round delivered £ by measure and year, pages by pledge: a penny or so apart.
    assert abs(got.delivered_value - (expected.delivered_value + excess)) <= Decimal("0.05")


def _wall_queries(client, count_queries, path="/pledges") -> int:
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200
    return counter.count


def test_wall_and_json_queries_do_not_grow_with_the_pledges(client, count_queries):
    organisation = OrganisationFactory()
    _varied_pledges(organisation)
    wall, api = (
        _wall_queries(client, count_queries),
        _wall_queries(client, count_queries, "/pledges.json"),
    )
    _varied_pledges(organisation, copies=10)
    assert _wall_queries(client, count_queries) == wall
    assert _wall_queries(client, count_queries, "/pledges.json") == api


def _export(client) -> list[dict[str, str]]:
    response = client.get("/pledges/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_prints_each_pledges_figures_as_its_page_does(client):
    _older_proxy_years()
    _varied_pledges()
    rows = {int(row["pledge_id"]): row for row in _export(client)}
    progresses = _all_progress()
    assert list(rows) == [p.pledge.id for p in progresses]  # newest first, as on the wall
    for progress in progresses:
        row, pledge = rows[progress.pledge.id], progress.pledge
        assert row["status"] == progress.status_label
        assert Decimal(row["delivered_units"]) == progress.delivered_units
        assert Decimal(row["promised_value_gbp"]) == progress.promised_value
        assert Decimal(row["delivered_value_gbp"]) == progress.delivered_value
        assert Decimal(row["original_promised_value_gbp"]) == progress.original_value
        assert row["area"] == pledge.area_label
        assert row["ambitions"] == "; ".join(a.name for a in pledge.ambitions)
        assert row["principles"] == "; ".join(p.name for p in pledge.principles)
        assert row["organisation_kind"] == pledge.organisation.kind_label
        assert len(row["revisions"].split("; ")) == max(1, len(pledge.revisions))
    assert {row["status"] for row in rows.values()} >= {"Achieved", "Lapsed", "Missed"}


def test_export_queries_do_not_grow_with_the_pledges(client, count_queries):
    organisation = OrganisationFactory()
    _varied_pledges(organisation)
    with count_queries() as few:
        assert len(_export(client)) == 7
    _varied_pledges(organisation, copies=10)
    with count_queries() as many:
        assert len(_export(client)) == 77
    assert many.count == few.count


def test_overdue_list_in_sql_is_the_per_pledge_rule(app):
    _varied_pledges(copies=2)
    # Due at the end of a short month: 30 November + 3 months is 28 (or 29) February.
    today = utcnow().date()
    for day in (date(today.year - 1, 11, 29), date(today.year - 1, 11, 30)):
        pledge = make_pledge(title=f"Month end {day}", start=day, end=today + timedelta(days=99))
        report(pledge, 1, period_end=day, reported_on=day)
    pledges = list(db.session.scalars(select(Pledge).order_by(Pledge.id)))
    expected = [p for p in services.progress_for(pledges, today) if p.overdue]
    expected.sort(key=lambda p: (p.due_on, p.pledge.id))
    listed = list(db.session.scalars(services.overdue_pledges_query(today)))
    assert [p.id for p in listed] == [p.pledge.id for p in expected]
    overdue_kinds = {p.pledge.title.split()[0] for p in expected}
    assert overdue_kinds == {"Overdue", "Lapsed", "Revised", "Month"}


def test_overdue_page_queries_do_not_grow_with_the_pledges(client, login, count_queries):
    from tests.factories import platform_admin

    organisation = OrganisationFactory()
    _varied_pledges(organisation)
    login(platform_admin())
    db.session.expire_all()  # the signed-in user is read again for both counts
    with count_queries() as few:
        page = client.get("/pledges/admin/overdue").get_data(as_text=True)
    assert "Overdue 0" in page and "Up to date 0" not in page
    _varied_pledges(organisation, copies=10)
    db.session.expire_all()
    with count_queries() as many:
        page = client.get("/pledges/admin/overdue").get_data(as_text=True)
    assert "33 overdue pledges" in page
    assert many.count == few.count
    # The user, the page of pledges with their reports and revisions, the capped count, the
    # proxies and linked deliveries: a pledge's wards, principles, Ambitions and goals are not
    # loaded, as the list shows none of them.
    assert many.count <= 9, "\n".join(s[:120] for s in many.statements)


def test_dashboard_queries_do_not_grow_with_other_organisations_pledges(
    client, login, count_queries
):
    mine = OrganisationFactory()
    _varied_pledges(mine)
    login(member_of(mine))
    db.session.expire_all()  # the signed-in user is read again for both counts
    with count_queries() as few:
        assert client.get(f"/orgs/{mine.id}/pledges").status_code == 200
    _varied_pledges(OrganisationFactory(), copies=10)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get(f"/orgs/{mine.id}/pledges").status_code == 200
    assert many.count == few.count
    # The user, the pledges with their reports and revisions, proxies and linked deliveries:
    # not their principles, wards, Ambitions and goals, which the list does not show.
    assert many.count <= 11, "\n".join(s[:120] for s in many.statements)
