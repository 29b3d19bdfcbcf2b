"""Demonstration activities: several hundred, across organisations, Ambitions, goals and wards."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from ..core.models import Ambition, Goal, Ward
from ..demo.people import demo_organisations
from ..extensions import db
from .links import lead_matches, lead_pledges
from .models import (
    PARTNER_ACCEPTED,
    Activity,
    PartnerTag,
    activity_exchange_matches,
    activity_pledges,
)

DEMO_ACTIVITY_COUNT = 400
# Believable activity names for each Ambition; a place is added to each.
TITLES = {
    "HEALTHY": [
        "Holiday activities and food club",
        "Walking football sessions",
        "Mental health first aid training",
        "Community pantry",
        "Falls prevention classes",
        "Stop smoking drop-ins",
        "Healthy start cooking course",
    ],
    "GROWING": [
        "Supported internships",
        "Local supplier open day",
        "CV and interview workshops",
        "Apprenticeship taster week",
        "Digital skills for jobseekers",
        "Social enterprise mentoring",
        "Real Living Wage accreditation support",
    ],
    "THRIVING": [
        "Warm spaces winter programme",
        "Youth arts project",
        "Reading buddies",
        "Community festival",
        "Befriending older neighbours",
        "Street sports nights",
        "Welcome to Leeds conversation club",
    ],
    "RESILIENT": [
        "Tree planting day",
        "Home energy advice sessions",
        "Repair café",
        "Cycle to work scheme",
        "Community flood plan",
        "Food waste redistribution",
        "Green roof pilot",
    ],
}
OUTCOMES = [
    "Participants said they felt more confident.",
    "Most people who took part came back at least twice.",
    "Three people moved into paid work.",
    "Local suppliers won new contracts.",
    "",
]


def seed_demo() -> None:
    """Create the demo activities that are missing (safe to run again; same data each time)."""
    rng = random.Random(6006)
    organisations = demo_organisations()
    if len(organisations) < 3:
        return
    ambitions = list(db.session.scalars(select(Ambition).order_by(Ambition.position)))
    goals_by_ambition = {
        a.id: list(db.session.scalars(select(Goal).where(Goal.ambition_id == a.id)))
        for a in ambitions
    }
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    existing = {
        (lead_id, title, start)
        for lead_id, title, start in db.session.execute(
            select(Activity.lead_organisation_id, Activity.title, Activity.start_date)
        )
    }
    for number in range(DEMO_ACTIVITY_COUNT):
        lead = organisations[number % len(organisations)]
        ambition = ambitions[rng.randrange(len(ambitions))]
        goals = rng.sample(goals_by_ambition[ambition.id], k=rng.randint(1, 2))
        if rng.random() < 0.25:
            other = ambitions[rng.randrange(len(ambitions))]
            goals.append(rng.choice(goals_by_ambition[other.id]))
        citywide = lead.citywide and rng.random() < 0.5
        places = [] if citywide else (lead.wards or rng.sample(wards, k=rng.randint(1, 3)))
        places = places if citywide else rng.sample(places, k=min(len(places), rng.randint(1, 3)))
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365))
        end = start + timedelta(days=rng.choice([1, 7, 30, 90, 180, 365]))
        partners = rng.sample(
            [o for o in organisations if o.id != lead.id], k=rng.choice([0, 0, 1, 1, 2, 3])
        )
        where = "citywide" if citywide else places[0].name
        title = f"{rng.choice(TITLES[ambition.code])}, {where}"
        people = rng.choice([12, 25, 40, 60, 120, 250, 800, 1500])
        hours = rng.randint(0, people * 2)
        spend = rng.choice([0, 250, 1200, 5000, 18500, 60000])
        outcomes = rng.choice(OUTCOMES)
        is_public = rng.random() < 0.8
        # Every random draw happens before this check, so a re-run makes the same choices.
        if (lead.id, title, start) in existing:
            continue
        db.session.add(
            Activity(
                lead_organisation_id=lead.id,
                title=title,
                description=f"A fictional demonstration activity run by {lead.name}.",
                citywide=citywide,
                wards=places,
                goals=list(dict.fromkeys(goals)),
                # Demo partners agreed to be named: their tags start accepted.
                partner_tags=[
                    PartnerTag(organisation_id=o.id, status=PARTNER_ACCEPTED) for o in partners
                ],
                start_date=start,
                end_date=end,
                people_reached=people,
                volunteer_hours=Decimal(hours),
                spend=Decimal(spend),
                outcomes=outcomes,
                is_public=is_public,
            )
        )
    db.session.flush()
    _link_demo_pledges_and_exchanges(organisations)


def _link_demo_pledges_and_exchanges(organisations: list) -> None:
    """Link each organisation's first public activity to one of its pledges and exchanges.

    Only where that activity has no links yet, so a re-run adds nothing.
    """
    linked = set(db.session.scalars(select(activity_pledges.c.activity_id))) | set(
        db.session.scalars(select(activity_exchange_matches.c.activity_id))
    )
    for organisation in organisations:
        activity = db.session.scalar(
            select(Activity)
            .where(Activity.lead_organisation_id == organisation.id, Activity.is_public)
            .order_by(Activity.start_date.desc(), Activity.id)
            .limit(1)
        )
        if activity is None or activity.id in linked:
            continue
        pledges = lead_pledges(organisation.id)
        if pledges:
            db.session.execute(
                activity_pledges.insert().values(activity_id=activity.id, pledge_id=pledges[0].id)
            )
        matches = lead_matches(organisation.id)
        if matches:
            db.session.execute(
                activity_exchange_matches.insert().values(
                    activity_id=activity.id, match_id=matches[0].id
                )
            )
    db.session.flush()
