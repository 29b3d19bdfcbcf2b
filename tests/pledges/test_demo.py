"""Demo pledges: a realistic spread, created once."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.demo.people import seed_people_and_organisations
from portal.extensions import db
from portal.pledges import services
from portal.pledges.demo import seed_demo
from portal.pledges.models import Pledge, ProgressUpdate


def test_seed_demo_spreads_pledges_and_is_idempotent():
    seed_people_and_organisations()
    db.session.commit()
    seed_demo()
    db.session.commit()
    pledges = list(db.session.scalars(select(Pledge)))
    assert len(pledges) >= 40
    assert len({p.organisation_id for p in pledges}) >= 25
    assert {a.code for p in pledges for a in p.ambitions} == {
        "HEALTHY",
        "GROWING",
        "THRIVING",
        "RESILIENT",
    }
    assert {p.organisation.kind for p in pledges} >= {
        "public_anchor",
        "business_anchor",
        "community_anchor",
        "vcse",
    }
    assert any(not p.is_public for p in pledges)
    statuses = {item.status for item in services.progress_for(pledges)}
    assert {"on_track", "at_risk", "achieved", "lapsed"} <= statuses, statuses
    updates = db.session.scalar(select(func.count(ProgressUpdate.id)))
    assert updates >= 100

    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Pledge.id))) == len(pledges)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == updates


def test_wall_totals_in_sql_match_the_per_pledge_sums():
    seed_people_and_organisations()
    db.session.commit()
    seed_demo()
    db.session.commit()
    statement = services.public_pledges_query()
    fast = services.public_totals(statement)
    pledges = list(db.session.scalars(statement).unique())
    slow = services.totals(services.progress_for(pledges))
    assert fast.count == slow.count == len(pledges)
    assert fast.promised_value == slow.promised_value
    # Rounded per measure and year rather than per pledge: the same to within a few pence.
    assert abs(fast.delivered_value - slow.delivered_value) < 1
    assert fast.delivered_value > 0
