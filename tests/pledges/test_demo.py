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
