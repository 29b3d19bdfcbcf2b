"""Fictional organisations and people for the demo network. Names are invented."""

from __future__ import annotations

import random

from sqlalchemy import select

from ..accounts.models import ROLE_ADMIN, ROLE_MEMBER, ConvenorAssignment, Membership, User
from ..accounts.passwords import hash_password
from ..core.models import Ambition, Ward
from ..extensions import db
from ..orgs.models import (
    KIND_BUSINESS_ANCHOR,
    KIND_COMMUNITY_ANCHOR,
    KIND_OTHER,
    KIND_PUBLIC_ANCHOR,
    KIND_VCSE,
    REQUEST_ACCEPTED,
    STATUS_APPROVED,
    STATUS_PENDING,
    Network,
    NetworkMembership,
    Organisation,
)

DEMO_PASSWORD = "anchor-demo-2026"  # noqa: S105 - printed for the fictional demo logins
DEMO_DOMAIN = (
    "demo.example.org"  # example.org is reserved for examples; .test fails email validation
)

# (name, kind, size, network code or None, citywide, status)
PUBLIC_ANCHORS = [
    "Leeds City Council (demo)",
    "Leeds Teaching Hospitals Trust (demo)",
    "Aire Valley University",
    "Leeds Community Health Trust (demo)",
    "Northgate College",
    "Kirkgate Housing Association",
    "West Riding Fire Service (demo)",
    "Headrow Partnership Trust",
    "Yorkshire Arts Conservatoire",
    "Leeds & York Mental Health Trust (demo)",
    "Calder Further Education College",
    "Leeds Civic Museum Trust",
]
BUSINESS_ANCHORS = [
    "Briggate Building Society",
    "Meanwood Engineering Ltd",
    "Holbeck Digital Ltd",
    "Wharfedale Foods Ltd",
    "Kirkstall Forge Logistics",
    "Aireside Law LLP",
    "Temple Works Energy",
    "Roundhay Retail Group",
    "Calls Landing Insurance",
    "Hyde Park Pharma Ltd",
    "Armley Print & Pack",
    "Otley Road Architects",
]
COMMUNITY_ANCHORS = [
    "Harehills Together",
    "Seacroft Community Hub",
    "Beeston Village Trust",
    "Middleton Park Community Centre",
    "Chapeltown Neighbourhood Network",
    "Bramley Baths Community",
    "Burmantofts Family Centre",
    "Armley Helping Hands",
    "Hunslet Riverside Forum",
    "Little London Community Partnership",
]
VCSE_GROUPS = [
    "Gipton Food Share",
    "Kirkstall Valley Volunteers",
    "Holbeck Youth Sport",
    "Morley Men's Shed",
    "Pudsey Carers Café",
    "Killingbeck Homework Club",
    "Farnley Wildlife Friends",
    "Rothwell Warm Spaces",
    "Cross Gates Credit Union Savers",
    "Lincoln Green Digital Inclusion",
    "Woodhouse Refugee Welcome",
    "Headingley Community Orchard",
    "Wortley Reading Circle",
    "Garforth Befrienders",
    "Otley Repair Café",
    "Swillington Walking Group",
    "Yeadon Young Carers",
    "Richmond Hill Sewing Bee",
    "Hyde Park Arts Collective",
    "Moortown Dementia Friends",
    "Temple Newsam Tree Planters",
    "Alwoodley Mentoring Circle",
]
OTHER_ORGS = ["Leeds Anchors Research Group", "Leeds Inclusive Growth Observatory"]
PENDING_ORGS = ["Stourton Community Kitchen", "Whinmoor Allotment Society"]

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Efua",
    "Finn",
    "Grace",
    "Hamza",
    "Isla",
    "Jonah",
    "Kiran",
    "Lena",
    "Marek",
    "Nadia",
    "Owen",
    "Priya",
    "Qasim",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Viktor",
    "Wen",
    "Yusuf",
    "Zara",
]
LAST_NAMES = [
    "Ahmed",
    "Brooke",
    "Clarke",
    "Dunmore",
    "Ellison",
    "Fairweather",
    "Gill",
    "Hartley",
    "Iqbal",
    "Jowett",
    "Kaur",
    "Lister",
    "Mensah",
    "Nowak",
    "Oduya",
    "Pickles",
    "Rahman",
    "Sutcliffe",
    "Thackray",
    "Umar",
    "Varley",
    "Whiteley",
]


def _slug(name: str) -> str:
    return "".join(
        ch for ch in name.lower().replace("&", "and") if ch.isalnum() or ch == " "
    ).split()[0]


def _wards_named_in(name: str, wards: list[Ward]) -> list[Ward]:
    """Wards whose place names appear in an organisation's name ("Gipton Food Share")."""
    words = {w.strip(",.'").lower() for w in name.split()}
    return [
        ward
        for ward in wards
        if words & {part.strip().lower() for part in ward.name.replace("&", " ").split()} - {"park"}
    ]


def _organisations_plan() -> list[tuple[str, str, str | None, str]]:
    plan: list[tuple[str, str, str | None, str]] = []
    plan += [(n, KIND_PUBLIC_ANCHOR, "anchor", STATUS_APPROVED) for n in PUBLIC_ANCHORS]
    plan += [(n, KIND_BUSINESS_ANCHOR, "business", STATUS_APPROVED) for n in BUSINESS_ANCHORS]
    plan += [(n, KIND_COMMUNITY_ANCHOR, "community", STATUS_APPROVED) for n in COMMUNITY_ANCHORS]
    plan += [(n, KIND_VCSE, None, STATUS_APPROVED) for n in VCSE_GROUPS]
    plan += [(n, KIND_OTHER, None, STATUS_APPROVED) for n in OTHER_ORGS]
    plan += [(n, KIND_VCSE, None, STATUS_PENDING) for n in PENDING_ORGS]
    return plan


# The logins printed by `flask demo-data` and listed in the README.
NAMED_LOGINS = [
    # (email local part, name, organisation, role)
    ("council", "Carys Hartley", PUBLIC_ANCHORS[0], ROLE_ADMIN),
    ("hospitals", "Dev Iqbal", PUBLIC_ANCHORS[1], ROLE_ADMIN),
    ("university", "Efua Mensah", PUBLIC_ANCHORS[2], ROLE_MEMBER),
    ("building-society", "Finn Sutcliffe", BUSINESS_ANCHORS[0], ROLE_ADMIN),
    ("engineering", "Grace Nowak", BUSINESS_ANCHORS[1], ROLE_ADMIN),
    ("harehills", "Hamza Rahman", COMMUNITY_ANCHORS[0], ROLE_ADMIN),
    ("foodshare", "Isla Pickles", VCSE_GROUPS[0], ROLE_ADMIN),
    ("volunteers", "Jonah Oduya", VCSE_GROUPS[1], ROLE_ADMIN),
    ("pending", "Kiran Kaur", PENDING_ORGS[0], ROLE_ADMIN),
]
CONVENORS = [
    ("convenor.healthy", "Lena Whiteley", "HEALTHY"),
    ("convenor.growing", "Marek Varley", "GROWING"),
    ("convenor.thriving", "Nadia Thackray", "THRIVING"),
    ("convenor.resilient", "Owen Lister", "RESILIENT"),
]
ADMIN = ("admin", "Priya Ellison")


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [("Platform administrator", "-", f"{ADMIN[0]}@{DEMO_DOMAIN}")]
    rows += [(f"Convenor ({code})", "-", f"{local}@{DEMO_DOMAIN}") for local, _, code in CONVENORS]
    kinds = {n: k for n, k, _, _ in _organisations_plan()}
    labels = {
        KIND_PUBLIC_ANCHOR: "public-sector anchor",
        KIND_BUSINESS_ANCHOR: "business anchor",
        KIND_COMMUNITY_ANCHOR: "community anchor",
        KIND_VCSE: "VCSE group",
    }
    for local, _, org_name, role in NAMED_LOGINS:
        label = f"{'Admin' if role == ROLE_ADMIN else 'Member'}, {labels[kinds[org_name]]}"
        if org_name in PENDING_ORGS:
            label += " (pending)"
        rows.append((label, org_name, f"{local}@{DEMO_DOMAIN}"))
    return rows


def _get_or_create_user(email: str, name: str, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash, is_verified=True)
        db.session.add(user)
        db.session.flush()
    return user


def seed_people_and_organisations() -> None:
    """Create around 60 organisations, their members, one convenor per Ambition and one admin."""
    rng = random.Random(2026)
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    networks = {n.code: n for n in db.session.scalars(select(Network))}
    existing = {o.name: o for o in db.session.scalars(select(Organisation))}
    password_hash = hash_password(DEMO_PASSWORD)

    organisations: dict[str, Organisation] = {}
    for name, kind, network_code, status in _organisations_plan():
        organisation = existing.get(name)
        if organisation is None:
            citywide = kind in (KIND_PUBLIC_ANCHOR, KIND_OTHER) or (
                kind == KIND_BUSINESS_ANCHOR and rng.random() < 0.4
            )
            organisation = Organisation(
                name=name,
                kind=kind,
                status=status,
                description=f"{name} is a fictional organisation in the demonstration network.",
                size_band={
                    KIND_PUBLIC_ANCHOR: "very_large",
                    KIND_BUSINESS_ANCHOR: "large",
                    KIND_COMMUNITY_ANCHOR: "small",
                    KIND_VCSE: "micro",
                    KIND_OTHER: "small",
                }[kind],
                citywide=citywide,
                charity_number=str(1100000 + rng.randint(0, 99999))
                if kind in (KIND_VCSE, KIND_COMMUNITY_ANCHOR)
                else None,
                company_number=f"{rng.randint(1000000, 13999999):08d}"
                if kind == KIND_BUSINESS_ANCHOR
                else None,
                website=f"https://{_slug(name)}.example.org",
            )
            if not citywide:
                organisation.wards = _wards_named_in(name, wards) or rng.sample(
                    wards, k=rng.randint(1, 3)
                )
            db.session.add(organisation)
            db.session.flush()
            if network_code:
                db.session.add(
                    NetworkMembership(
                        organisation=organisation,
                        network=networks[network_code],
                        status=REQUEST_ACCEPTED,
                    )
                )
        organisations[name] = organisation

    for local, name, org_name, role in NAMED_LOGINS:
        user = _get_or_create_user(f"{local}@{DEMO_DOMAIN}", name, password_hash)
        if user.membership_of(organisations[org_name].id) is None:
            db.session.add(
                Membership(user=user, organisation_id=organisations[org_name].id, role=role)
            )
    # Every other organisation gets one fictional administrator, so member lists are not empty.
    for index, (org_name, organisation) in enumerate(sorted(organisations.items())):
        if any(org_name == named[2] for named in NAMED_LOGINS):
            continue
        person = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[index % len(LAST_NAMES)]}"
        user = _get_or_create_user(f"contact{index + 1}@{DEMO_DOMAIN}", person, password_hash)
        if user.membership_of(organisation.id) is None:
            db.session.add(Membership(user=user, organisation_id=organisation.id, role=ROLE_ADMIN))

    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    for local, name, code in CONVENORS:
        user = _get_or_create_user(f"{local}@{DEMO_DOMAIN}", name, password_hash)
        if not user.convenor_ambitions:
            db.session.add(ConvenorAssignment(user_id=user.id, ambition_id=ambitions[code].id))
    admin = _get_or_create_user(f"{ADMIN[0]}@{DEMO_DOMAIN}", ADMIN[1], password_hash)
    admin.is_platform_admin = True
    db.session.flush()


def demo_organisations(kind: str | None = None) -> list[Organisation]:
    """Approved demo organisations, for feature seeders."""
    statement = (
        select(Organisation).where(Organisation.status == STATUS_APPROVED).order_by(Organisation.id)
    )
    if kind:
        statement = statement.where(Organisation.kind == kind)
    return list(db.session.scalars(statement))
