"""The demo seeder: several hundred varied activities, the same on every run."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.activities.demo import DEMO_ACTIVITY_COUNT, seed_demo
from portal.activities.models import Activity, activity_goals, activity_partners, activity_wards
from portal.core.models import Goal
from portal.demo.people import seed_people_and_organisations
from portal.extensions import db


def test_seed_demo_creates_several_hundred_varied_activities_once(client):
    seed_people_and_organisations()
    db.session.commit()
    seed_demo()
    db.session.commit()
    count = db.session.scalar(select(func.count(Activity.id)))
    assert DEMO_ACTIVITY_COUNT - 10 <= count <= DEMO_ACTIVITY_COUNT
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Activity.id))) == count

    leads = db.session.scalar(select(func.count(func.distinct(Activity.lead_organisation_id))))
    ambitions = db.session.scalar(
        select(func.count(func.distinct(Goal.ambition_id))).join(
            activity_goals, activity_goals.c.goal_id == Goal.id
        )
    )
    wards = db.session.scalar(select(func.count(func.distinct(activity_wards.c.ward_id))))
    partnered = db.session.scalar(
        select(func.count(func.distinct(activity_partners.c.activity_id)))
    )
    assert leads >= 50 and ambitions == 4 and wards >= 25 and partnered >= 100
    assert db.session.scalar(select(func.count()).where(Activity.is_public.is_(False))) > 0
    assert db.session.scalar(select(func.count()).where(Activity.citywide.is_(True))) > 0
    # Every demo activity keeps the rules: at least one goal, end on or after start.
    assert (
        db.session.scalar(select(func.count()).where(Activity.end_date < Activity.start_date)) == 0
    )
    untagged = select(func.count(Activity.id)).where(
        ~select(activity_goals.c.activity_id)
        .where(activity_goals.c.activity_id == Activity.id)
        .exists()
    )
    assert db.session.scalar(untagged) == 0
    assert client.get("/activities").status_code == 200


def test_demo_activities_link_to_their_organisations_pledges_and_exchanges(client):
    from portal.activities.models import activity_exchange_matches, activity_pledges
    from portal.exchange.demo import seed_demo as seed_exchange
    from portal.pledges.demo import seed_demo as seed_pledges
    from portal.pledges.models import Pledge

    seed_people_and_organisations()
    db.session.commit()
    seed_exchange()
    seed_pledges()
    db.session.commit()
    seed_demo()
    db.session.commit()
    links = db.session.execute(
        select(Activity.lead_organisation_id, Pledge.organisation_id)
        .join(activity_pledges, activity_pledges.c.activity_id == Activity.id)
        .join(Pledge, Pledge.id == activity_pledges.c.pledge_id)
    ).all()
    assert len(links) >= 20 and all(lead == owner for lead, owner in links)
    exchange_links = db.session.scalar(select(func.count()).select_from(activity_exchange_matches))
    assert exchange_links >= 5
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(activity_pledges)) == len(links)
