"""Demo exchange: anchors and businesses offering, VCSE groups asking, some already delivered."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from ..accounts.models import Membership
from ..core.models import Ambition, Ward, utcnow
from ..demo.people import demo_organisations
from ..extensions import db
from ..orgs.models import (
    KIND_BUSINESS_ANCHOR,
    KIND_COMMUNITY_ANCHOR,
    KIND_PUBLIC_ANCHOR,
    KIND_VCSE,
    Organisation,
)
from .models import (
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    ExchangeMessage,
    Listing,
)
from .rules import add_working_days, listing_expiry
from .suggestions import recompute_all_suggestions

# (kind, index among demo organisations of that kind, type, title, description, quantity, unit,
#  wards (empty: citywide), Ambition codes)
OFFERS = [
    (
        KIND_COMMUNITY_ANCHOR,
        0,
        "space",
        "Community hall in Harehills, weekday evenings",
        "Our main hall seats 40 and has a kitchen. Free to community groups Monday to Thursday.",
        None,
        "",
        ["Gipton & Harehills"],
        ["HEALTHY", "THRIVING"],
    ),
    (
        KIND_PUBLIC_ANCHOR,
        0,
        "volunteer_time",
        "Council staff volunteering days",
        "Teams of 6 to 10 staff can volunteer for a day: gardening, painting, sorting donations.",
        Decimal(120),
        "hours",
        [],
        ["THRIVING"],
    ),
    (
        KIND_PUBLIC_ANCHOR,
        1,
        "skills",
        "Pro bono HR and safeguarding advice",
        "Our HR team can review policies and safeguarding procedures for small charities.",
        Decimal(20),
        "hours",
        [],
        ["HEALTHY"],
    ),
    (
        KIND_PUBLIC_ANCHOR,
        2,
        "mentoring",
        "Student mentors for young people",
        "University students trained as mentors, one hour a week for a term.",
        Decimal(15),
        "mentors",
        ["Headingley & Hyde Park", "Little London & Woodhouse"],
        ["GROWING"],
    ),
    (
        KIND_BUSINESS_ANCHOR,
        0,
        "funding",
        "Small grants for warm spaces",
        "Grants of up to £1,500 towards heating and running costs for warm spaces this winter.",
        Decimal(6000),
        "£",
        [],
        ["RESILIENT", "HEALTHY"],
    ),
    (
        KIND_BUSINESS_ANCHOR,
        2,
        "digital",
        "Refurbished laptops",
        "Thirty refurbished laptops with Windows and Office, wiped and ready to use.",
        Decimal(30),
        "laptops",
        [],
        ["GROWING"],
    ),
    (
        KIND_BUSINESS_ANCHOR,
        3,
        "food",
        "Surplus food every Friday",
        "Chilled and ambient surplus from our production line, collected on Friday afternoons.",
        Decimal(200),
        "kg",
        ["Gipton & Harehills", "Burmantofts & Richmond Hill"],
        ["HEALTHY"],
    ),
    (
        KIND_BUSINESS_ANCHOR,
        1,
        "equipment",
        "Workshop tools and benches",
        "Hand tools, two workbenches and safety kit from our old training workshop.",
        Decimal(40),
        "items",
        ["Morley North", "Morley South"],
        ["GROWING"],
    ),
    (
        KIND_PUBLIC_ANCHOR,
        4,
        "space",
        "College meeting rooms in Otley",
        "Two meeting rooms for up to 15 people, Saturdays and school holidays.",
        None,
        "",
        ["Otley & Yeadon"],
        ["GROWING"],
    ),
    (
        KIND_BUSINESS_ANCHOR,
        5,
        "skills",
        "Legal clinic for charities",
        "Half-day sessions with a solicitor on leases, contracts and governance.",
        Decimal(12),
        "sessions",
        [],
        ["THRIVING"],
    ),
]

REQUESTS = [
    (
        KIND_VCSE,
        0,
        "space",
        "Meeting space for our weekly food share",
        "We need a room with a kitchen in Harehills for two hours every Wednesday evening.",
        None,
        "",
        ["Gipton & Harehills"],
        ["HEALTHY"],
        "high",
    ),
    (
        KIND_VCSE,
        1,
        "volunteer_time",
        "Volunteers to clear the valley path",
        "Help us clear brambles and litter along the Kirkstall Valley path this spring.",
        Decimal(40),
        "hours",
        ["Kirkstall"],
        ["RESILIENT"],
        "medium",
    ),
    (
        KIND_VCSE,
        2,
        "equipment",
        "Football kit and cones",
        "Kit for 30 young players: bibs, cones, balls and two portable goals.",
        Decimal(30),
        "sets",
        ["Beeston & Holbeck"],
        ["HEALTHY", "GROWING"],
        "medium",
    ),
    (
        KIND_VCSE,
        3,
        "equipment",
        "Tools for the Men's Shed",
        "Hand tools and benches so members can run repair sessions.",
        Decimal(25),
        "items",
        ["Morley North"],
        ["HEALTHY"],
        "low",
    ),
    (
        KIND_VCSE,
        4,
        "funding",
        "Help with heating costs for our carers' café",
        "Our café is a warm space for carers; we need help with this winter's heating bill.",
        Decimal(1200),
        "£",
        ["Pudsey"],
        ["RESILIENT"],
        "high",
    ),
    (
        KIND_VCSE,
        5,
        "mentoring",
        "Mentors for the homework club",
        "Volunteers to support secondary pupils with maths and English after school.",
        Decimal(6),
        "mentors",
        ["Killingbeck & Seacroft"],
        ["GROWING"],
        "medium",
    ),
    (
        KIND_VCSE,
        7,
        "food",
        "Surplus food for Friday meals",
        "Fresh and chilled food for a community meal for 60 people every Friday.",
        Decimal(80),
        "kg",
        ["Gipton & Harehills"],
        ["HEALTHY"],
        "high",
    ),
    (
        KIND_VCSE,
        9,
        "digital",
        "Laptops for digital inclusion sessions",
        "Ten laptops for our drop-in sessions helping people get online.",
        Decimal(10),
        "laptops",
        ["Burmantofts & Richmond Hill"],
        ["GROWING"],
        "medium",
    ),
    (
        KIND_VCSE,
        8,
        "skills",
        "Help writing our safeguarding policy",
        "We are a new group and need advice to write a safeguarding policy.",
        Decimal(6),
        "hours",
        ["Rothwell"],
        ["HEALTHY"],
        "medium",
    ),
    (
        KIND_VCSE,
        10,
        "volunteer_time",
        "Volunteers to befriend older people",
        "Regular visits or phone calls with older people living alone.",
        Decimal(60),
        "hours",
        ["Garforth & Swillington"],
        ["HEALTHY", "THRIVING"],
        "low",
    ),
]

# (offer title, request title, status, committed, delivered, days ago)
EXCHANGES = [
    (
        "Community hall in Harehills, weekday evenings",
        "Meeting space for our weekly food share",
        MATCH_DELIVERED,
        None,
        Decimal(12),
        20,
    ),
    (
        "Council staff volunteering days",
        "Volunteers to clear the valley path",
        MATCH_DELIVERED,
        Decimal(24),
        Decimal(24),
        35,
    ),
    (
        "Workshop tools and benches",
        "Tools for the Men's Shed",
        MATCH_DELIVERED,
        Decimal(25),
        Decimal(22),
        12,
    ),
    (
        "Small grants for warm spaces",
        "Help with heating costs for our carers' café",
        MATCH_DELIVERED,
        Decimal(1200),
        Decimal(1200),
        50,
    ),
    (
        "Surplus food every Friday",
        "Surplus food for Friday meals",
        MATCH_ACCEPTED,
        Decimal(40),
        None,
        5,
    ),
    (
        "Council staff volunteering days",
        "Volunteers to befriend older people",
        MATCH_ACCEPTED,
        Decimal(20),
        None,
        3,
    ),
    (
        "Refurbished laptops",
        "Laptops for digital inclusion sessions",
        MATCH_INTERESTED,
        Decimal(10),
        None,
        1,
    ),
    (
        "Pro bono HR and safeguarding advice",
        "Help writing our safeguarding policy",
        MATCH_INTERESTED,
        Decimal(6),
        None,
        2,
    ),
]


def _pick(by_kind: dict[str, list[Organisation]], kind: str, index: int) -> Organisation | None:
    organisations = by_kind.get(kind) or []
    return organisations[index % len(organisations)] if organisations else None


def _first_member_id(organisation_id: int) -> int | None:
    return db.session.scalar(
        select(Membership.user_id)
        .where(Membership.organisation_id == organisation_id)
        .order_by(Membership.id)
    )


def seed_demo() -> None:
    """Create the demo offers, requests and exchanges that are missing (safe to run again)."""
    rng = random.Random(5005)
    by_kind = {
        kind: demo_organisations(kind)
        for kind in (KIND_PUBLIC_ANCHOR, KIND_BUSINESS_ANCHOR, KIND_COMMUNITY_ANCHOR, KIND_VCSE)
    }
    wards = {w.name: w for w in db.session.scalars(select(Ward))}
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    existing = {(item.side, item.title): item for item in db.session.scalars(select(Listing))}
    today = utcnow().date()
    listings: dict[str, Listing] = {}

    plan = [(SIDE_OFFER, *row, None) for row in OFFERS] + [(SIDE_REQUEST, *row) for row in REQUESTS]
    for (
        side,
        kind,
        index,
        kind_of_resource,
        title,
        text,
        qty,
        unit,
        ward_names,
        codes,
        urgency,
    ) in plan:
        listing = existing.get((side, title))
        if listing is None:
            organisation = _pick(by_kind, kind, index)
            if organisation is None:
                continue
            created = utcnow() - timedelta(days=rng.randint(3, 40))
            needed_by = (
                today + timedelta(days=rng.randint(20, 80)) if side == SIDE_REQUEST else None
            )
            listing = Listing(
                organisation_id=organisation.id,
                side=side,
                resource_type=kind_of_resource,
                title=title,
                description=text,
                quantity=qty,
                unit=unit,
                citywide=not ward_names,
                needed_by=needed_by,
                urgency=urgency,
                expires_on=listing_expiry(today, ends=needed_by),
                created_by_id=_first_member_id(organisation.id),
                created_at=created,
                updated_at=created,
            )
            listing.wards = [wards[name] for name in ward_names if name in wards]
            listing.ambitions = [ambitions[code] for code in codes if code in ambitions]
            db.session.add(listing)
        listings[title] = listing
    db.session.flush()

    for offer_title, request_title, status, committed, delivered, days_ago in EXCHANGES:
        offer, request = listings.get(offer_title), listings.get(request_title)
        if offer is None or request is None:
            continue
        found = db.session.scalar(
            select(ExchangeMatch).where(
                ExchangeMatch.offer_id == offer.id, ExchangeMatch.request_id == request.id
            )
        )
        if found is not None:
            continue
        started = utcnow() - timedelta(days=days_ago + 7)
        match = ExchangeMatch(
            offer_id=offer.id,
            request_id=request.id,
            initiated_by_organisation_id=offer.organisation_id,
            initiated_by_id=offer.created_by_id,
            status=status,
            note=f"We would be glad to help with '{request.title}'.",
            committed_quantity=committed,
            created_at=started,
            updated_at=utcnow() - timedelta(days=days_ago),
            respond_by=add_working_days(utcnow() - timedelta(days=days_ago)),
        )
        if status != MATCH_INTERESTED:
            match.responded_at = started + timedelta(days=2)
            match.responded_by_id = request.created_by_id
        if status == MATCH_DELIVERED:
            match.delivered_quantity = delivered
            match.delivered_unit = request.unit or offer.unit or "sessions"
            match.delivered_at = utcnow() - timedelta(days=days_ago)
            match.delivered_by_id = offer.created_by_id
            match.delivered_resource_type = offer.resource_type
            match.delivered_title = offer.title
        db.session.add(match)
        db.session.flush()
        db.session.add(
            ExchangeMessage(
                match_id=match.id,
                organisation_id=request.organisation_id,
                author_id=request.created_by_id,
                body="Thank you! Which day suits you best?",
                created_at=started + timedelta(days=1),
            )
        )
    db.session.flush()
    recompute_all_suggestions()
