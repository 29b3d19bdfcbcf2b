"""Demo data: upcoming and past events, one full with a waiting list, one with attendance."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..accounts.models import Membership, User
from ..core.models import Ambition, Ward, utcnow
from ..demo.people import demo_organisations
from ..extensions import db
from .models import CONFIRMED, WAITING, Event, EventSignup

# (title, days from today, hour in UTC, ward or None for online, capacity, Ambition codes,
#  sign-ups, attended)
PLAN = [
    (
        "Meet the buyer: anchor procurement teams",
        12,
        9,
        "Little London & Woodhouse",
        40,
        ("GROWING",),
        6,
        0,
    ),
    ("Inclusive recruitment working group", 5, 13, None, 3, ("GROWING", "THRIVING"), 5, 0),
    (
        "Scope 3 emissions: supplier workshop",
        20,
        10,
        "Hunslet & Riverside",
        25,
        ("RESILIENT",),
        2,
        0,
    ),
    (
        "State of the City 2026",
        9,
        17,
        "Little London & Woodhouse",
        200,
        ("HEALTHY", "GROWING", "THRIVING", "RESILIENT"),
        8,
        0,
    ),
    (
        "Community listening: what we heard in Harehills",
        -14,
        18,
        "Gipton & Harehills",
        30,
        ("THRIVING", "HEALTHY"),
        6,
        5,
    ),
]


def seed_demo() -> None:
    if db.session.scalar(select(Event.id).limit(1)) is not None:
        return
    organisations = demo_organisations()
    people = list(
        db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).order_by(User.id)
        ).unique()
    )
    if not organisations or not people:
        return
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    wards = {w.name: w for w in db.session.scalars(select(Ward))}
    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    for index, (title, days, hour, ward, capacity, codes, signups, attended) in enumerate(PLAN):
        starts_at: datetime = today + timedelta(days=days, hours=hour)
        event = Event(
            organiser_id=organisations[index % len(organisations)].id,
            title=title,
            summary=f"{title}, organised by a partner in the network.",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            online=ward is None,
            online_url="https://meet.example.org/anchor-network" if ward is None else "",
            ward=wards.get(ward) if ward else None,
            address="Civic Hall, Calverley Street" if ward else "",
            capacity=capacity,
            ambitions=[ambitions[code] for code in codes if code in ambitions],
        )
        db.session.add(event)
        db.session.flush()
        for position, person in enumerate(people[:signups]):
            db.session.add(
                EventSignup(
                    event_id=event.id,
                    user_id=person.id,
                    status=CONFIRMED if position < capacity else WAITING,
                    signed_up_at=starts_at - timedelta(days=30 - position),
                    attended=(position < attended) if days < 0 else None,
                )
            )
    db.session.commit()
