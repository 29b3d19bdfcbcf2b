"""Incremental runs: after an edit, only the organisations it concerns are recounted, and the
figures come out exactly as a full run computes them.

Each case edits the small world, lets the triggered run happen (in-process, or through RQ in the
PostgreSQL pass), checks it updated the current snapshot in place (a full run makes a new one),
then runs a full refresh and compares every figure.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.activities.models import PARTNER_ACCEPTED, Activity, PartnerTag
from portal.assessment.models import STATUS_SUBMITTED, Answer, Assessment
from portal.events.models import CANCELLED, CONFIRMED, SCHEDULED, Event, EventSignup
from portal.exchange.models import LISTING_PAUSED, MATCH_DELIVERED, ExchangeMatch, Listing
from portal.extensions import db
from portal.insights import aggregate, read
from portal.insights.models import CURRENT, InsightChange, InsightFigure, InsightSnapshot
from portal.orgs.models import STATUS_SUSPENDED
from portal.pledges.models import REPORT_CURRENT, Pledge, ProgressUpdate
from portal.scorecard.models import Indicator, IndicatorValue
from tests.insights.world import (
    World,
    activity,
    add_assessments,
    add_events,
    add_exchange,
    add_pledges,
    add_scorecard,
    build_world,
)

Figures = dict[tuple[Any, ...], tuple[Decimal, int]]


@pytest.fixture
def world(app: Flask, monkeypatch: pytest.MonkeyPatch) -> World:
    built = build_world()
    add_pledges(built)
    add_exchange(built)
    add_assessments(built)
    add_scorecard(built)
    add_events(built)
    aggregate.refresh()
    db.session.commit()
    monkeypatch.setitem(app.config, "INSIGHTS_AUTO_REFRESH", True)
    monkeypatch.setitem(app.config, "INSIGHTS_IN_PROCESS_INTERVAL", 0)
    return built


def current() -> InsightSnapshot:
    snapshot = db.session.scalar(select(InsightSnapshot).where(InsightSnapshot.status == CURRENT))
    assert snapshot is not None
    return snapshot


def every_figure() -> Figures:
    rows = db.session.scalars(
        select(InsightFigure).where(InsightFigure.snapshot_id == current().id)
    )
    found: Figures = {}
    for row in rows:
        key = tuple(getattr(row, name) for name in aggregate.KEY_COLUMNS)
        assert key not in found, f"figure {key} stored twice"
        found[key] = (Decimal(row.value).quantize(Decimal("0.0001")), row.org_count)
    return found


def first(model: Any, *where: Any) -> Any:
    order = model.__mapper__.primary_key
    found = db.session.scalars(select(model).where(*where).order_by(*order)).first()
    assert found is not None
    return found


def _people(world: World) -> None:
    first(Activity, Activity.lead_organisation_id == world.a.id).people_reached += 100


def _move_wards_and_goals(world: World) -> None:
    item = first(Activity, Activity.lead_organisation_id == world.a.id)
    item.wards = [world.w3]
    item.goals = [first(aggregate.Goal, aggregate.Goal.code == "THRIVING-1")]


def _new_activity_with_a_partner(world: World) -> None:
    activity(
        world.c, date(2024, 3, 3), [world.w2], ["RESILIENT-2"], people=3, spend=12,
        partners=[(world.b, PARTNER_ACCEPTED)],
    )  # fmt: skip


def _delete_activity(world: World) -> None:
    db.session.delete(first(Activity, Activity.lead_organisation_id == world.b.id))


def _partner_leaves(world: World) -> None:
    db.session.delete(first(PartnerTag, PartnerTag.organisation_id == world.b.id))


def _progress_report(world: World) -> None:
    pledge = first(Pledge, Pledge.organisation_id == world.a.id)
    db.session.add(
        ProgressUpdate(
            pledge_id=pledge.id,
            period_start=pledge.start_date,
            period_end=pledge.start_date,
            value=Decimal(25),
            status=REPORT_CURRENT,
        )
    )


def _pledge_wards(world: World) -> None:
    first(Pledge, Pledge.organisation_id == world.c.id).wards = [world.w2, world.w3]


def _listing_paused_and_moved(world: World) -> None:
    request = first(Listing, Listing.organisation_id == world.b.id)
    request.status = LISTING_PAUSED
    request.wards = [world.w2]


def _match_delivered(world: World) -> None:
    agreed = first(ExchangeMatch, ExchangeMatch.status != MATCH_DELIVERED)
    agreed.status = MATCH_DELIVERED
    agreed.delivered_quantity = Decimal(7)
    agreed.delivered_resource_type = "skills"
    agreed.delivered_at = aggregate.utcnow()


def _assessment_submitted(world: World) -> None:
    draft = first(Assessment, Assessment.organisation_id == world.c.id)
    draft.status = STATUS_SUBMITTED
    first(Answer, Answer.assessment_id == draft.id).level = 2


def _organisation_wards(world: World) -> None:
    world.a.wards = [world.w2, world.w3]


def _scorecard_value(world: World) -> None:
    indicator = first(Indicator, Indicator.code == "T_DOWN")
    db.session.add(IndicatorValue(indicator_id=indicator.id, year=2026, value=3))


def _attendance_recorded(world: World) -> None:
    held = first(Event, Event.organiser_id == world.c.id, Event.status == SCHEDULED)
    for signup in db.session.scalars(
        select(EventSignup).where(EventSignup.event_id == held.id, EventSignup.status == CONFIRMED)
    ):
        signup.attended = True


def _event_moved_and_cancelled(world: World) -> None:
    first(Event, Event.organiser_id == world.a.id).ward_id = world.w2.id
    first(Event, Event.organiser_id == world.b.id).status = CANCELLED


EDITS: dict[str, Callable[[World], None]] = {
    "activity figures": _people,
    "activity wards and goals": _move_wards_and_goals,
    "new activity with a partner": _new_activity_with_a_partner,
    "activity deleted": _delete_activity,
    "partner removed": _partner_leaves,
    "progress report": _progress_report,
    "pledge wards": _pledge_wards,
    "listing paused and moved": _listing_paused_and_moved,
    "match delivered": _match_delivered,
    "assessment submitted": _assessment_submitted,
    "organisation wards": _organisation_wards,
    "scorecard value": _scorecard_value,
    "event attendance recorded": _attendance_recorded,
    "event moved and cancelled": _event_moved_and_cancelled,
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_incremental_run_gives_the_figures_a_full_run_gives(
    world: World, run_jobs, edit: str
) -> None:
    before_id, before = current().id, every_figure()
    EDITS[edit](world)
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    incremental = every_figure()
    assert current().id == before_id, "the run was not incremental"
    assert incremental != before, "the edit moved no figure: the case tests nothing"
    assert not read.status().pending
    assert db.session.scalar(select(InsightChange.id)) is None  # every change taken

    aggregate.refresh()
    db.session.commit()
    full = every_figure()
    assert current().id != before_id
    moved = {k for k in full.keys() | incremental.keys() if full.get(k) != incremental.get(k)}
    assert not moved, sorted((str(k), incremental.get(k), full.get(k)) for k in moved)[:10]


def test_a_change_to_how_an_organisation_counts_runs_in_full(world: World, run_jobs) -> None:
    before_id = current().id
    world.b.status = STATUS_SUSPENDED
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert current().id != before_id
    assert read.total("activities.count").value == 3  # B's a3 no longer counts


def test_an_incremental_run_touches_only_the_organisations_edited(world: World) -> None:
    """The plan for an edit to B's activity recounts B (lead) and nobody else: A's and C's
    facts are left as they are."""
    item = first(Activity, Activity.lead_organisation_id == world.b.id)
    plan = aggregate._plan([InsightChange(kind="activity", ref_id=item.id)])
    assert plan is not None
    assert plan.organisations["activities"] == {world.b.id}
    partnered = first(Activity, Activity.lead_organisation_id == world.a.id)
    plan = aggregate._plan([InsightChange(kind="activity", ref_id=partnered.id)])
    assert plan is not None and plan.organisations["participation"] == {world.a.id, world.b.id}
    assert aggregate._plan([InsightChange(kind="all")]) is None
    held = first(Event, Event.organiser_id == world.b.id)
    plan = aggregate._plan([InsightChange(kind="event", ref_id=held.id)])
    assert plan is not None and plan.organisations == {"events": {world.b.id}}


def test_signing_up_for_an_event_records_no_change_for_the_figures(world: World) -> None:
    """Only attendance (and the event's time, place, Ambitions, status) moves a figure."""
    from portal.events.services import cancel, sign_up
    from tests.events.factories import make_event
    from tests.factories import UserFactory

    upcoming = make_event(organiser_id=world.a.id)
    db.session.execute(InsightChange.__table__.delete())
    db.session.commit()
    cancel(sign_up(upcoming, UserFactory()))
    db.session.commit()
    assert db.session.scalar(select(InsightChange.id)) is None
