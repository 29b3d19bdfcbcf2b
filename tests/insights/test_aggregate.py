"""Each figure of a refresh against values counted by hand on `tests.insights.world`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.core.models import utcnow
from portal.exchange.models import MATCH_ACCEPTED, SIDE_REQUEST, ExchangeMatch, Listing
from portal.extensions import db
from portal.insights import read
from portal.insights.aggregate import aggregate_statements, refresh
from portal.insights.models import CURRENT, InsightFigure, InsightSnapshot
from portal.orgs.models import KIND_PUBLIC_ANCHOR, KIND_VCSE, STATUS_APPROVED
from portal.orgs.services import counted_organisations
from portal.pledges.models import Pledge
from portal.pledges.services import progress_for, totals
from portal.pledges.status import ACHIEVED, AT_RISK, NOT_STARTED, ON_TRACK
from tests.insights.world import (
    World,
    add_assessments,
    add_events,
    add_exchange,
    add_pledges,
    add_scorecard,
    build_world,
    goal,
    listing,
    match,
)


@pytest.fixture
def world() -> World:
    built = build_world()
    add_pledges(built)
    add_exchange(built)
    add_assessments(built)
    add_scorecard(built)
    add_events(built)
    refresh()
    db.session.commit()
    return built


def value(measure: str, **filters) -> Decimal | None:
    row = read.total(measure, **filters)
    return None if row is None else row.value


def by(measure: str, column: str, **filters) -> dict:
    return {row.key[column]: row.value for row in read.figures(measure, by=(column,), **filters)}


def test_activity_totals_leave_out_the_suspended_organisation(world: World) -> None:
    assert value("activities.count") == 4
    assert value("activities.people_reached") == 42
    assert value("activities.volunteer_hours") == Decimal("7.5")
    assert value("activities.spend") == 150
    # Leads A, B and C; B also as a partner; S's partnership and A's pending tag do not count.
    assert value("activities.organisations") == 3
    assert read.total("activities.count").org_count == 3


def test_activities_by_ward_and_decile_count_each_activity_once(world: World) -> None:
    w1, w2, w3 = world.w1.ons_code, world.w2.ons_code, world.w3.ons_code
    assert by("activities.count", "ward_code") == {w1: 2, w2: 1, w3: 1}
    assert by("activities.people_reached", "ward_code") == {w1: 30, w2: 20, w3: 7}
    # a2 is in W1 and W2, both decile 1: counted once there.
    assert by("activities.count", "decile") == {1: 2, 10: 1}
    assert by("activities.people_reached", "decile") == {1: 30, 10: 7}


def test_activities_per_ambition_and_goal(world: World) -> None:
    assert value("activities.count", ambition="HEALTHY") == 3
    assert value("activities.people_reached", ambition="HEALTHY") == 37
    assert value("activities.count", ambition="GROWING") == 2
    assert value("activities.people_reached", ambition="GROWING") == 25
    assert value("activities.count", ambition="THRIVING") is None
    # A and C lead HEALTHY activities; B takes part in a1 as a partner.
    assert value("activities.organisations", ambition="HEALTHY") == 3
    healthy_goals = by("activities.count", "goal_id", ambition="HEALTHY")
    assert healthy_goals == {goal("HEALTHY-1").id: 2, goal("HEALTHY-2").id: 2}
    # Under an Ambition only its own goals appear.
    assert by("activities.count", "goal_id", ambition="GROWING") == {goal("GROWING-1").id: 2}
    assert value("activities.count", ambition="HEALTHY", ward=world.w1.ons_code) == 2


def test_activities_by_period(world: World) -> None:
    periods = read.periods()
    assert periods[0] == "all" and periods == ["all", *sorted(periods[1:])]
    assert {"2025", "2025-Q4", "2026", "2026-Q1", "2026-Q2"} <= set(periods)
    assert value("activities.count", period="2026") == 3
    assert value("activities.count", period="2026-Q2") == 2
    assert value("activities.people_reached", period="2025-Q4") == 7
    trend = {
        row.key["period"]: row.value for row in read.figures("activities.count", by=("period",))
    }
    assert trend == {"2025": 1, "2025-Q4": 1, "2026": 3, "2026-Q1": 1, "2026-Q2": 2}


def test_activities_by_kind_and_network(world: World) -> None:
    assert by("activities.count", "org_kind") == {KIND_PUBLIC_ANCHOR: 3, KIND_VCSE: 1}
    assert by("activities.count", "network_id") == {world.network.id: 3}
    cross = read.figures("activities.count", by=("network_id", "ward_code"))
    assert {(r.key["network_id"], r.key["ward_code"]): r.value for r in cross} == {
        (world.network.id, world.w1.ons_code): 2,
        (world.network.id, world.w2.ons_code): 1,
    }
    assert value("activities.count", org_kind=KIND_VCSE, decile=1) is None
    assert value("activities.count", org_kind=KIND_PUBLIC_ANCHOR, decile=1) == 2


def test_reinstating_the_suspended_organisation_counts_it_again(world: World) -> None:
    world.s.status = STATUS_APPROVED
    db.session.commit()
    refresh()
    db.session.commit()
    assert value("activities.count") == 5
    assert value("activities.people_reached") == 1042
    # S is now a partner on a4 too.
    assert value("activities.organisations") == 4


def test_the_bare_statements_write_what_a_refresh_writes(world: World) -> None:
    """The bench times these one by one: together they are the whole refresh."""
    current = db.session.scalar(select(InsightSnapshot).where(InsightSnapshot.status == CURRENT))
    bare = InsightSnapshot()
    db.session.add(bare)
    db.session.flush()
    statements = aggregate_statements(bare.id)
    names = [name for name, _ in statements]
    assert len(names) == len(set(names))
    assert "activities:total" in names
    for _, statement in statements:
        db.session.execute(statement)
    count = select(func.count()).select_from(InsightFigure)
    assert db.session.scalar(count.where(InsightFigure.snapshot_id == bare.id)) == (
        db.session.scalar(count.where(InsightFigure.snapshot_id == current.id))
    )
    db.session.rollback()


def test_pledge_figures(world: World) -> None:
    assert value("pledges.count") == 4
    assert value("pledges.promised") == 5200
    assert value("pledges.delivered") == 1900
    assert value("pledges.gap") == 3300
    assert by("pledges.count", "dimension") == {
        ON_TRACK: 1,
        ACHIEVED: 1,
        NOT_STARTED: 1,
        AT_RISK: 1,
    }
    assert value("pledges.count", dimension=AT_RISK) == 1
    assert by("pledges.promised", "ward_code") == {
        world.w1.ons_code: 2200,
        world.w3.ons_code: 1000,
    }
    # HEALTHY: p1 and p4 name it (p4 through its goal too: counted once); GROWING: p2's goal.
    assert value("pledges.count", ambition="HEALTHY") == 2
    assert value("pledges.promised", ambition="HEALTHY") == 2200
    assert value("pledges.delivered", ambition="GROWING") == 1000
    assert read.total("pledges.count").org_count == 3
    # At risk: p5 of A only, so one organisation behind the figure (suppression goes by it).
    at_risk = read.total("pledges.at_risk")
    assert (at_risk.value, at_risk.org_count) == (1, 1)
    assert read.total("pledges.lapsed") is None  # none lapsed: no figure, a true zero


def test_pledge_figures_agree_with_the_pledge_pages(world: World) -> None:
    """The SQL status and £ rules give what `pledges.services` gives each pledge."""
    counted = db.session.scalars(
        select(Pledge).where(Pledge.organisation_id.in_(counted_organisations()))
    ).all()
    expected = totals(progress_for(list(counted)))
    assert value("pledges.promised") == expected.promised_value
    assert value("pledges.delivered") == expected.delivered_value
    assert by("pledges.count", "dimension") == expected.by_status


def test_exchange_figures(world: World) -> None:
    assert value("exchange.open_offers") == 1
    assert value("exchange.open_requests") == 2
    assert value("exchange.unmet_requests") == 2
    assert by("exchange.unmet_requests", "dimension") == {"skills": 1, "food": 1}
    # W1's open request was met: no figure there, which the tables read as a true zero.
    assert by("exchange.unmet_requests", "ward_code") == {world.w3.ons_code: 1}
    # Suppression counts the organisations with unmet requests (C and B), not all requesters.
    assert read.total("exchange.unmet_requests").org_count == 2
    assert read.total("exchange.unmet_requests", dimension="skills").org_count == 1
    assert value("exchange.unmet_requests", ambition="GROWING") == 1
    assert value("exchange.matches_agreed") == 2
    assert value("exchange.matches_delivered") == 1
    assert value("exchange.delivered_quantity") == 30
    assert by("exchange.delivered_quantity", "dimension") == {"food": 30}
    # Matches are placed where the need is: the request's wards and Ambitions.
    assert by("exchange.matches_agreed", "ward_code") == {
        world.w1.ons_code: 1,
        world.w3.ons_code: 1,
    }
    assert value("exchange.matches_delivered", ambition="HEALTHY") == 1
    assert value("exchange.open_offers", ambition="HEALTHY", ward=world.w1.ons_code) == 1


def test_event_attendance_counts_as_people_reached_at_events(world: World) -> None:
    # e1 (A, 12 came) and e2 (B, 4 came); not C's unrecorded or cancelled ones, nor S's.
    assert value("events.held") == 2
    assert value("events.people_reached") == 16
    assert read.total("events.people_reached").org_count == 2
    assert by("events.people_reached", "ward_code") == {world.w1.ons_code: 12}
    assert value("events.people_reached", ambition="HEALTHY") == 16
    assert value("events.people_reached", ambition="GROWING") == 4
    assert value("events.people_reached", ambition="THRIVING") is None
    assert by("events.people_reached", "period") == {
        "2026": 16, "2026-Q1": 12, "2026-Q2": 4,
    }  # fmt: skip
    # Activities' own people reached are not changed by events.
    assert value("activities.people_reached") == 42


def test_assessment_figures(world: World) -> None:
    assert value("assessment.organisations_submitted", period="2026") == 2
    assert value("assessment.organisations_submitted", period="2025") == 1
    assert value("assessment.submitted_share", period="2026") == Decimal("66.6667")
    assert value("assessment.submitted_share", period="2025") == Decimal("33.3333")
    assert read.total("assessment.submitted_share", period="2026").org_count == 3
    assert by("assessment.submitted_share", "ward_code", period="2026") == {
        world.w1.ons_code: 100,
        world.w3.ons_code: 100,
    }
    assert by("assessment.level_count", "dimension", period="2026") == {
        "C1:2": 1,
        "C1:3": 1,
        "C2:3": 1,
    }
    assert by("assessment.level_count", "dimension", period="2025") == {"C1:2": 1, "C2:3": 1}
    assert (
        value("assessment.level_count", period="2026", dimension="C1:2", ward=world.w3.ons_code)
        == 1
    )
    trend = read.figures("assessment.organisations_submitted", by=("period",))
    assert {row.key["period"]: row.value for row in trend} == {"2025": 1, "2026": 2}


def test_scorecard_figures(world: World) -> None:
    assert by("scorecard.latest", "dimension", ambition="HEALTHY") == {"T_ONE": 7, "T_UP": 12}
    assert by("scorecard.latest", "dimension") == {"T_DOWN": 12, "T_ONE": 7, "T_UP": 12}
    assert by("scorecard.latest", "ward_code", dimension="T_UP") == {world.w1.ons_code: 5}
    assert by("scorecard.direction", "dimension") == {"T_DOWN": -1, "T_ONE": 0, "T_UP": 1}


def test_median_days_to_match_and_to_delivery(world: World) -> None:
    now = utcnow()
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    requests = {r.title: r for r in db.session.scalars(select(Listing))}
    l2 = requests[f"request of food by {world.b.name}, open"]
    l4 = requests[f"request of skills by {world.c.name}, open"]
    l3 = requests[f"offer of food by {world.c.name}, matched"]
    matches = {m.request_id: m for m in db.session.scalars(select(ExchangeMatch))}
    # L2: asked 10 days ago, agreed 2 days later, delivered 6 days after asking.
    l2.created_at = days(10)
    matches[l2.id].created_at, matches[l2.id].delivered_at = days(8), days(4)
    # L4: asked 20 days ago, agreed 4 days later.
    l4.created_at = days(20)
    matches[l4.id].responded_at = days(16)
    # L8: A asks in W1 30 days ago; C's offer agreed 10 days later.
    l8 = listing(world.a, SIDE_REQUEST, "food", wards=[world.w1])
    l8.created_at = days(30)
    db.session.flush()
    match(l3, l8, MATCH_ACCEPTED).responded_at = days(20)
    db.session.commit()
    refresh()
    db.session.commit()
    assert value("exchange.median_days_to_match") == 4  # of 2, 4 and 10
    assert by("exchange.median_days_to_match", "ward_code") == {
        world.w1.ons_code: 6,  # of 2 and 10
        world.w3.ons_code: 4,
    }
    assert value("exchange.median_days_to_delivery") == 6
    assert read.total("exchange.median_days_to_match").org_count == 3


@pytest.mark.postgres
def test_a_refresh_runs_without_postgresqls_jit_and_leaves_the_setting_alone(world: World) -> None:
    """JIT compiling cost 80% of a city-scale refresh; it is off for the refresh only."""
    from sqlalchemy import text

    before = db.session.scalar(text("SELECT current_setting('jit')"))
    db.session.commit()
    refresh()
    assert db.session.scalar(text("SELECT current_setting('jit')")) == "off"
    db.session.commit()
    assert db.session.scalar(text("SELECT current_setting('jit')")) == before
