"""A small hand-countable network for the insights tests (every figure is worked out by hand
in the tests' comments): four organisations, one suspended, activities in two wards and two
quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.activities.models import PARTNER_ACCEPTED, PARTNER_PENDING, Activity, PartnerTag
from portal.core.models import Goal, Ward
from portal.extensions import db
from portal.orgs.models import (
    KIND_VCSE,
    REQUEST_ACCEPTED,
    STATUS_SUSPENDED,
    Network,
    NetworkMembership,
    Organisation,
)
from portal.scorecard.models import WardDeprivation
from tests.factories import OrganisationFactory


@dataclass
class World:
    a: Organisation  # public anchor in the network
    b: Organisation  # VCSE in the network
    c: Organisation  # public anchor, no network
    s: Organisation  # suspended, in the network: counts nowhere
    w1: Ward
    w2: Ward
    w3: Ward
    network: Network


def goal(code: str) -> Goal:
    found = db.session.scalar(select(Goal).where(Goal.code == code))
    assert found is not None
    return found


def activity(lead: Organisation, day: date, wards: list[Ward], goals: list[str], **values):
    item = Activity(
        lead_organisation_id=lead.id,
        title=f"Activity of {lead.name} on {day}",
        start_date=day,
        end_date=day,
        citywide=not wards,
        people_reached=values.get("people", 0),
        volunteer_hours=Decimal(values.get("hours", 0)),
        spend=Decimal(values.get("spend", 0)),
    )
    item.wards = list(wards)
    item.goals = [goal(code) for code in goals]
    db.session.add(item)
    db.session.flush()
    for partner, status in values.get("partners", ()):
        db.session.add(PartnerTag(activity_id=item.id, organisation_id=partner.id, status=status))
    db.session.flush()
    return item


def build_world() -> World:
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name).limit(3)))
    w1, w2, w3 = wards
    # W1 and W2 are both in decile 1, W3 in decile 10: an activity in W1 and W2 counts once.
    db.session.execute(WardDeprivation.__table__.delete())
    for ward, decile in ((w1, 1), (w2, 1), (w3, 10)):
        db.session.add(WardDeprivation(ward_id=ward.id, share_most_deprived=50, decile=decile))
    network = db.session.scalars(select(Network).order_by(Network.id)).first()
    assert network is not None
    a = OrganisationFactory(name="Anchor A")
    b = OrganisationFactory(name="Group B", kind=KIND_VCSE, size_band="micro")
    c = OrganisationFactory(name="Anchor C")
    s = OrganisationFactory(name="Suspended S", status=STATUS_SUSPENDED)
    for member in (a, b, s):
        db.session.add(
            NetworkMembership(
                organisation_id=member.id, network_id=network.id, status=REQUEST_ACCEPTED
            )
        )
    # a1: A, 2026-Q1, W1, HEALTHY-1, 10 people, 5 hours, £100; B an accepted partner
    activity(
        a, date(2026, 1, 15), [w1], ["HEALTHY-1"], people=10, hours=5, spend=100,
        partners=[(b, PARTNER_ACCEPTED)],
    )  # fmt: skip
    # a2: A, 2026-Q2, W1 and W2, HEALTHY-1, HEALTHY-2 and GROWING-1, 20 people, £50
    activity(
        a, date(2026, 4, 10), [w1, w2], ["HEALTHY-1", "HEALTHY-2", "GROWING-1"],
        people=20, spend=50,
    )  # fmt: skip
    # a3: B, 2026-Q2, citywide, GROWING-1, 5 people, 2.5 hours
    activity(b, date(2026, 5, 1), [], ["GROWING-1"], people=5, hours="2.5")
    # a4: C, 2025-Q4, W3, HEALTHY-2, 7 people; S (suspended) accepted and A pending as partners
    activity(
        c, date(2025, 11, 1), [w3], ["HEALTHY-2"], people=7,
        partners=[(s, PARTNER_ACCEPTED), (a, PARTNER_PENDING)],
    )  # fmt: skip
    # S's own activity counts nowhere.
    activity(s, date(2026, 1, 1), [w1], ["HEALTHY-1"], people=1000, hours=99, spend=9999)
    db.session.commit()
    return World(a=a, b=b, c=c, s=s, w1=w1, w2=w2, w3=w3, network=network)
