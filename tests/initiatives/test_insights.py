"""The roll-up in the insights snapshots: an initiative with several partners counts each
contribution once, never with the activity's headline figures on top and never once per
partner, in the city total and per Ambition, ward, kind and period; an incremental run after a
contribution gives what a full run gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from portal.core.models import Ward
from portal.extensions import db
from portal.initiatives import services
from portal.insights import aggregate, read
from portal.insights.models import CURRENT, InsightSnapshot
from portal.orgs.models import KIND_VCSE, STATUS_SUSPENDED
from tests.activities.factories import ActivityFactory, goal
from tests.initiatives.factories import contribute, make_initiative, values
from tests.insights.test_incremental import every_figure


def value(measure: str, **filters) -> Decimal | None:
    row = read.total(measure, **filters)
    return None if row is None else row.value


def refreshed() -> None:
    aggregate.refresh()
    db.session.commit()


@pytest.fixture
def ward() -> Ward:
    found = db.session.scalars(select(Ward).order_by(Ward.name)).first()
    assert found is not None
    return found


def _three_partners(ward: Ward):
    # Headline: 100 people, 12.5 hours, £1,500; in one ward, HEALTHY-1 and GROWING-1.
    initiative = make_initiative(
        partners=2, citywide=False, wards=[ward], goals=[goal("HEALTHY-1"), goal("GROWING-1")]
    )
    lead, one, two = initiative.everyone
    contribute(initiative, lead, hours="10", money="100.50", people=20)
    contribute(initiative, one, hours="2.5", money="0.25", people=5, start=date(2026, 8, 1))
    contribute(initiative, two, hours="0", money="1000", people=30)
    return initiative


def test_with_no_contributions_the_headline_counts_once(ward: Ward) -> None:
    make_initiative(partners=2)
    refreshed()
    assert value("activities.count") == 1
    assert value("activities.people_reached") == 100
    assert value("activities.volunteer_hours") == Decimal("12.5")
    assert value("activities.spend") == 1500


def test_the_network_total_is_the_sum_of_contributions_not_plus_the_headline(ward: Ward) -> None:
    initiative = _three_partners(ward)
    refreshed()
    # 20 + 5 + 30: not 155 (plus the headline 100), nor 165 (the sum once per partner).
    assert value("activities.people_reached") == 55
    assert value("activities.volunteer_hours") == Decimal("12.5")
    assert value("activities.spend") == Decimal("1100.75")
    assert value("activities.count") == 1  # still one activity
    assert value("activities.organisations") == 3
    # The same once per Ambition and in its ward (the activity serves two Ambitions).
    for ambition in ("HEALTHY", "GROWING"):
        assert value("activities.people_reached", ambition=ambition) == 55
        assert value("activities.count", ambition=ambition) == 1
    assert value("activities.people_reached", ward=ward.ons_code) == 55
    assert value("activities.spend", ward=ward.ons_code, ambition="HEALTHY") == Decimal("1100.75")
    # Each contribution in its own period: partner 1's falls in the third quarter.
    assert value("activities.people_reached", period="2026-Q2") == 50
    assert value("activities.people_reached", period="2026-Q3") == 5
    assert value("activities.count", period="2026-Q3") is None or (
        value("activities.count", period="2026-Q3") == 0
    )
    assert initiative.activity.people_reached == 100  # the headline itself is untouched


def test_each_organisation_is_credited_with_its_own_contribution_by_kind(ward: Ward) -> None:
    initiative = make_initiative(partners=1)
    initiative.partners[0].kind = KIND_VCSE
    db.session.commit()
    contribute(initiative, initiative.lead, hours="1", money="1", people=3)
    contribute(initiative, initiative.partners[0], hours="2", money="2", people=4)
    refreshed()
    by_kind = {
        row.key["org_kind"]: row.value
        for row in read.figures("activities.people_reached", by=("org_kind",))
    }
    assert by_kind == {"public_anchor": 3, KIND_VCSE: 4}
    assert value("activities.people_reached") == 7


def test_only_the_correction_counts_and_other_activities_keep_their_headlines(
    ward: Ward,
) -> None:
    initiative = _three_partners(ward)
    ActivityFactory(people_reached=9, volunteer_hours=1, spend=0)
    first = services.contributions_of(initiative.activity.id)[0]  # the lead's 20 people
    services.correct_contribution(first, values(hours="10", money="100.50", people=2), "Typo", None)
    db.session.commit()
    refreshed()
    assert value("activities.people_reached") == 2 + 5 + 30 + 9
    assert value("activities.count") == 2


def test_a_suspended_partners_contribution_does_not_count(ward: Ward) -> None:
    initiative = _three_partners(ward)
    initiative.partners[1].status = STATUS_SUSPENDED  # the £1,000 and 30 people
    db.session.commit()
    refreshed()
    assert value("activities.people_reached") == 25
    assert value("activities.spend") == Decimal("100.75")


@pytest.fixture
def auto_refresh(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "INSIGHTS_AUTO_REFRESH", True)
    monkeypatch.setitem(app.config, "INSIGHTS_IN_PROCESS_INTERVAL", 0)


def _current_id() -> int:
    snapshot = db.session.scalar(select(InsightSnapshot).where(InsightSnapshot.status == CURRENT))
    assert snapshot is not None
    return snapshot.id


def test_an_incremental_run_after_contributions_gives_what_a_full_run_gives(
    ward: Ward, auto_refresh: None, run_jobs
) -> None:
    initiative = make_initiative(
        partners=2, citywide=False, wards=[ward], goals=[goal("HEALTHY-1")]
    )
    ActivityFactory(people_reached=9)
    refreshed()
    before_id, before = _current_id(), every_figure()
    _lead, one, two = initiative.everyone
    contribute(initiative, one, hours="2.5", money="0.25", people=5)
    contribute(initiative, two, hours="1", money="10", people=30, start=date(2027, 1, 5))
    original = services.contributions_of(initiative.activity.id)[0]
    services.correct_contribution(original, values(people=6), "Recounted", None)
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    assert _current_id() == before_id, "the run was not incremental"
    incremental = every_figure()
    assert incremental != before
    assert value("activities.people_reached") == 9 + 30 + 6
    refreshed()
    full = every_figure()
    moved = {k for k in full.keys() | incremental.keys() if full.get(k) != incremental.get(k)}
    assert not moved, sorted((str(k), incremental.get(k), full.get(k)) for k in moved)[:10]
