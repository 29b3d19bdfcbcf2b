"""A small hand-countable network for the insights tests (every figure is worked out by hand
in the tests' comments): four organisations, one suspended, activities in two wards and two
quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.activities.models import PARTNER_ACCEPTED, PARTNER_PENDING, Activity, PartnerTag
from portal.assessment.models import (
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    Answer,
    Assessment,
    Criterion,
    Dimension,
    Framework,
)
from portal.core.models import Ambition, Goal, Ward, utcnow
from portal.events.models import CANCELLED, CONFIRMED, WITHDRAWN, Event, EventSignup
from portal.exchange.models import (
    LISTING_MATCHED,
    LISTING_OPEN,
    LISTING_PAUSED,
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
)
from portal.extensions import db
from portal.orgs.models import (
    KIND_VCSE,
    REQUEST_ACCEPTED,
    STATUS_SUSPENDED,
    Network,
    NetworkMembership,
    Organisation,
)
from portal.pledges.models import (
    REPORT_CURRENT,
    REPORT_SUPERSEDED,
    Pledge,
    ProgressUpdate,
    ProxyValue,
    SocialValueMeasure,
)
from portal.scorecard.models import Indicator, IndicatorValue, WardDeprivation
from tests.factories import OrganisationFactory, UserFactory


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


def ambition(code: str) -> Ambition:
    found = db.session.scalar(select(Ambition).where(Ambition.code == code))
    assert found is not None
    return found


def pledge(org: Organisation, measure: SocialValueMeasure, units: int, start: date, **more):
    """A pledge of `units` from `start` for a year, with progress reports (end, units)."""
    item = Pledge(
        organisation_id=org.id,
        measure_id=measure.id,
        title=f"Pledge of {org.name}",
        baseline=Decimal(more.get("baseline", 0)),
        target=Decimal(more.get("baseline", 0) + units),
        start_date=start,
        end_date=more.get("end", start + timedelta(days=365)),
        citywide=not more.get("wards"),
    )
    item.wards = list(more.get("wards", []))
    item.ambitions = [ambition(code) for code in more.get("ambitions", [])]
    item.goals = [goal(code) for code in more.get("goals", [])]
    db.session.add(item)
    db.session.flush()
    for end, value, *status in more.get("reports", []):
        db.session.add(
            ProgressUpdate(
                pledge_id=item.id,
                period_start=start,
                period_end=end,
                value=Decimal(value),
                status=status[0] if status else REPORT_CURRENT,
            )
        )
    db.session.flush()
    return item


def add_pledges(world: World) -> None:
    """p1 A: 100 units (£2,000), 40 delivered (£800), on track; a superseded report of 999.
    p2 B: 10 to 60 (50 units, £1,000), all delivered: achieved.
    p4 C: 10 units (£200) starting next month: not started.
    p5 A: 100 units (£2,000), 5 delivered (£100) when half the time has gone: at risk.
    S's pledge counts nowhere. One proxy, £20 a unit, so every year values the same."""
    measure = SocialValueMeasure(
        code="T1", name="Test hours", theme="social", unit="hours", unit_label="hours"
    )
    db.session.add(measure)
    db.session.flush()
    db.session.add(ProxyValue(measure_id=measure.id, year=2020, value=20, source="test"))
    today = utcnow().date()
    recent = today - timedelta(days=10)
    pledge(
        world.a, measure, 100, today - timedelta(days=100), wards=[world.w1],
        ambitions=["HEALTHY"], reports=[(recent, 40), (recent, 999, REPORT_SUPERSEDED)],
    )  # fmt: skip
    pledge(
        world.b, measure, 50, today - timedelta(days=300), baseline=10, wards=[world.w3],
        goals=["GROWING-1"], reports=[(today - timedelta(days=30), 50)],
    )  # fmt: skip
    pledge(
        world.c, measure, 10, today + timedelta(days=30), wards=[world.w1],
        ambitions=["HEALTHY"], goals=["HEALTHY-1"],
    )  # fmt: skip
    pledge(world.a, measure, 100, today - timedelta(days=200), reports=[(recent, 5)])
    pledge(world.s, measure, 1000, today - timedelta(days=10), wards=[world.w1])
    db.session.commit()


def listing(org: Organisation, side: str, kind: str, status: str = LISTING_OPEN, **more):
    item = Listing(
        organisation_id=org.id,
        side=side,
        resource_type=kind,
        title=f"{side} of {kind} by {org.name}, {status}",
        status=status,
        expires_on=date(2030, 1, 1),
        citywide=not more.get("wards"),
        hidden_at=more.get("hidden_at"),
    )
    item.wards = list(more.get("wards", []))
    item.ambitions = [ambition(code) for code in more.get("ambitions", [])]
    db.session.add(item)
    db.session.flush()
    return item


def match(offer: Listing, request: Listing, status: str, quantity: int | None = None):
    item = ExchangeMatch(
        offer_id=offer.id,
        request_id=request.id,
        initiated_by_organisation_id=request.organisation_id,
        status=status,
        delivered_quantity=Decimal(quantity) if quantity is not None else None,
        delivered_unit="units",
        delivered_at=utcnow() if status == MATCH_DELIVERED else None,
        delivered_resource_type=offer.resource_type if status == MATCH_DELIVERED else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def add_exchange(world: World) -> None:
    """Open: A's offer L1 (W1, HEALTHY); B's request L2 (W1, HEALTHY), met by C's offer L3
    (delivered, 30 units of food); C's request L4 (skills, W3), agreed with L1, not delivered;
    B's paused request L5 (food, citywide, GROWING). S's request L6 (met by L1, 5 units) and
    A's hidden offer L7 count nowhere.
    So: 1 open offer, 2 open requests, 2 unmet (L4 skills, L5 food), 2 matches agreed,
    1 delivered (30 food, in W1 and HEALTHY)."""
    w1, w3 = world.w1, world.w3
    l1 = listing(world.a, SIDE_OFFER, "volunteer_time", wards=[w1], ambitions=["HEALTHY"])
    l2 = listing(world.b, SIDE_REQUEST, "food", wards=[w1], ambitions=["HEALTHY"])
    l3 = listing(world.c, SIDE_OFFER, "food", LISTING_MATCHED)
    l4 = listing(world.c, SIDE_REQUEST, "skills", wards=[w3])
    listing(world.b, SIDE_REQUEST, "food", LISTING_PAUSED, ambitions=["GROWING"])
    l6 = listing(world.s, SIDE_REQUEST, "food", wards=[w1])
    listing(world.a, SIDE_OFFER, "food", wards=[w1], hidden_at=utcnow())
    match(l3, l2, MATCH_DELIVERED, 30)
    match(l1, l4, MATCH_ACCEPTED)
    match(l1, l6, MATCH_DELIVERED, 5)
    db.session.commit()


def add_assessments(world: World) -> None:
    """A (ward W1) submitted 2025 (C1 2, C2 3) and 2026 (C1 3, C2 3); B (ward W3) submitted
    2026 (C1 2, C2 unanswered); C's 2026 is a draft; S submitted 2026 but counts nowhere.
    So 2026: 2 of 3 counted organisations submitted; 2025: 1 of 3."""
    framework = Framework(variant="anchor", version=99, title="Test framework")
    db.session.add(framework)
    db.session.flush()
    dimension = Dimension(framework_id=framework.id, code="D1", title="Dimension one")
    db.session.add(dimension)
    db.session.flush()
    criteria = {}
    for code in ("C1", "C2"):
        criteria[code] = Criterion(
            dimension_id=dimension.id, code=code, title=code,
            level_1="1", level_2="2", level_3="3", level_4="4",
        )  # fmt: skip
        db.session.add(criteria[code])
    world.a.wards = [world.w1]
    world.b.wards = [world.w3]
    db.session.flush()
    for org, year, status, levels in (
        (world.a, 2025, STATUS_SUBMITTED, {"C1": 2, "C2": 3}),
        (world.a, 2026, STATUS_SUBMITTED, {"C1": 3, "C2": 3}),
        (world.b, 2026, STATUS_SUBMITTED, {"C1": 2, "C2": None}),
        (world.c, 2026, STATUS_DRAFT, {"C1": 4}),
        (world.s, 2026, STATUS_SUBMITTED, {"C1": 1}),
    ):
        item = Assessment(
            organisation_id=org.id, framework_id=framework.id, year=year, status=status
        )
        db.session.add(item)
        db.session.flush()
        for code, level in levels.items():
            db.session.add(
                Answer(assessment_id=item.id, criterion_id=criteria[code].id, level=level)
            )
    db.session.commit()


def add_scorecard(world: World) -> None:
    """T_UP (HEALTHY, higher is better): 10 in 2024, 12 in 2025, W1 5 in 2025: better.
    T_DOWN (GROWING, lower is better): 10 then 12: worse. T_ONE: one value, 7: no direction."""
    for code, ambition_code, direction, values in (
        ("T_UP", "HEALTHY", "up", [(2024, 10), (2025, 12)]),
        ("T_DOWN", "GROWING", "down", [(2024, 10), (2025, 12)]),
        ("T_ONE", "HEALTHY", "up", [(2025, 7)]),
    ):
        indicator = Indicator(
            code=code, ambition_id=ambition(ambition_code).id, title=code, unit="%",
            direction=direction, breakdown_keys="ward",
        )  # fmt: skip
        db.session.add(indicator)
        db.session.flush()
        for year, number in values:
            db.session.add(IndicatorValue(indicator_id=indicator.id, year=year, value=number))
        if code == "T_UP":
            db.session.add(
                IndicatorValue(
                    indicator_id=indicator.id,
                    year=2025,
                    breakdown="ward",
                    category=world.w1.name,
                    value=5,
                )
            )
    db.session.commit()


def event(
    organiser: Organisation, day: date, ward: Ward | None, ambitions: list[str], came: int, **more
) -> Event:
    """A held event with `came` of its confirmed people marked as attending, one more marked
    as absent, and one who cancelled (attendance says nothing of them)."""
    starts_at = datetime.combine(day, time(10))
    item = Event(
        organiser_id=organiser.id,
        title=f"Event of {organiser.name} on {day}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=50,
        ward_id=ward.id if ward else None,
        online=ward is None,
        status=more.get("status", "scheduled"),
    )
    item.ambitions = [ambition(code) for code in ambitions]
    db.session.add(item)
    db.session.flush()
    recorded = more.get("recorded", True)
    for index in range(came + 2):
        status = WITHDRAWN if index == came + 1 else CONFIRMED
        attended = (index < came) if recorded and status == CONFIRMED else None
        db.session.add(
            EventSignup(
                event_id=item.id, user_id=UserFactory().id, status=status, attended=attended
            )
        )
    db.session.flush()
    return item


def add_events(world: World) -> None:
    # e1: A, 2026-Q1, W1, HEALTHY, 12 came
    event(world.a, date(2026, 2, 3), world.w1, ["HEALTHY"], came=12)
    # e2: B, 2026-Q2, online, HEALTHY and GROWING, 4 came
    event(world.b, date(2026, 5, 20), None, ["HEALTHY", "GROWING"], came=4)
    # Not counted: attendance not recorded yet; cancelled; the suspended organisation's.
    event(world.c, date(2026, 6, 1), world.w3, ["HEALTHY"], came=0, recorded=False)
    event(world.c, date(2026, 6, 2), world.w3, ["HEALTHY"], came=30, status=CANCELLED)
    event(world.s, date(2026, 2, 3), world.w1, ["HEALTHY"], came=500)
    db.session.commit()
