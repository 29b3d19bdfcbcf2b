"""Organisation and network state changes. Services add and flush; the caller commits."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import lazyload, load_only

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..core import audit
from ..core.locking import check_version
from ..core.models import Ward, utcnow
from ..extensions import db
from ..mail.services import send_email
from .models import (
    REQUEST_ACCEPTED,
    REQUEST_DECLINED,
    REQUEST_PENDING,
    STATUS_APPROVED,
    Network,
    NetworkMembership,
    Organisation,
)
from .names import normalised_name, normalised_number

NETWORKS = [
    (
        "anchor",
        "Leeds Anchor Network",
        "anchor",
        "Large, mainly public-sector employers – the council, NHS trusts, universities and "
        "colleges – using their spending, employment and assets for the good of the city. "
        "Formed in 2018.",
    ),
    (
        "business",
        "Leeds Business Anchors",
        "business",
        "Businesses committed to inclusive growth through employment, procurement, their "
        "environment and assets, and their corporate and community role. Joined with the "
        "Anchor Network in March 2024.",
    ),
    (
        "community",
        "Leeds Community Anchor Network",
        "community",
        "Locally trusted voluntary, community and social enterprise organisations rooted in "
        "their neighbourhoods.",
    ),
]


def recipients(
    organisation_id: int, role: str | None = ROLE_ADMIN, *, or_everyone: bool = False
) -> list[User]:
    """Who hears about an organisation: its active members with `role` (any role if None).

    Deactivated accounts never do. With `or_everyone`, an organisation with no active member of
    that role tells all its active members instead, so a reminder is never sent to nobody.
    """
    statement = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
        .order_by(User.id)
    )
    chosen = list(db.session.scalars(statement.where(Membership.role == role))) if role else []
    if role is None or (not chosen and or_everyone):
        chosen = list(db.session.scalars(statement))
    return chosen


def platform_admins() -> list[User]:
    """Active platform administrators: they hear of registrations and network requests."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.is_platform_admin.is_(True), User.is_active_account.is_(True))
            .order_by(User.id)
        )
    )


def _tell_platform_admins(
    subject: str, template: str, reply_to: str | None, **context: object
) -> None:
    for admin in platform_admins():
        send_email(admin.email, subject, template, reply_to=reply_to, admin=admin, **context)


def _link(endpoint: str, **values: Any) -> str:
    return current_app.config["PUBLIC_BASE_URL"] + url_for(endpoint, **values)


def counted_organisations() -> Select:
    """Ids of the organisations whose figures count and whose work shows: approved ones. A
    suspended (or pending) organisation counts nowhere: not in totals, lists, benchmarks or the
    directory. Filtering on this, rather than changing rows, is what makes reinstating an
    organisation show everything again unchanged."""
    return select(Organisation.id).where(Organisation.status == STATUS_APPROVED)


def counted_network_members(network_id: int) -> Select:
    """Ids of the organisations a network's figures count: accepted, and not suspended."""
    return (
        select(NetworkMembership.organisation_id)
        .join(Organisation, Organisation.id == NetworkMembership.organisation_id)
        .where(
            NetworkMembership.network_id == network_id,
            NetworkMembership.status == REQUEST_ACCEPTED,
            Organisation.status == STATUS_APPROVED,
        )
    )


class OrganisationError(Exception):
    """A rule was broken; the message is for the person."""


def seed_networks() -> None:
    existing = {n.code for n in db.session.scalars(select(Network))}
    for code, name, variant, description in NETWORKS:
        if code not in existing:
            db.session.add(
                Network(code=code, name=name, assessment_variant=variant, description=description)
            )
    db.session.flush()


def _apply_form_data(organisation: Organisation, data: dict) -> None:
    organisation.name = data["name"]
    organisation.kind = data["kind"]
    organisation.charity_number = data.get("charity_number") or None
    organisation.company_number = data.get("company_number") or None
    organisation.website = data.get("website") or None
    organisation.description = data.get("description") or ""
    organisation.size_band = data.get("size_band") or None
    organisation.citywide = bool(data.get("citywide"))
    ward_ids = [] if organisation.citywide else list(data.get("wards") or [])
    organisation.wards = (
        list(db.session.scalars(select(Ward).where(Ward.id.in_(ward_ids)))) if ward_ids else []
    )


def _duplicate_candidates(organisations: list[Organisation]) -> list[Organisation]:
    """Organisations sharing a name key, charity or company number with any of `organisations`:
    one query on indexed columns, so the approval page does not read every organisation."""
    names = {normalised_name(o.name) for o in organisations} - {""}
    charities = {normalised_number(o.charity_number) for o in organisations} - {""}
    companies = {normalised_number(o.company_number) for o in organisations} - {""}
    conditions = []
    if names:
        conditions.append(Organisation.name_key.in_(names))
    if charities:
        conditions.append(Organisation.charity_number.in_(charities))
    if companies:
        conditions.append(Organisation.company_number.in_(companies))
    if not conditions:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(or_(*conditions))
            .options(
                load_only(
                    Organisation.name,
                    Organisation.status,
                    Organisation.charity_number,
                    Organisation.company_number,
                ),
                lazyload("*"),
            )
            .order_by(Organisation.name)
        )
    )


def likely_duplicates(
    organisations: list[Organisation],
) -> dict[int, list[tuple[Organisation, str]]]:
    """Each organisation's others with the same normalised name, charity or company number."""
    others = _duplicate_candidates(organisations)
    found: dict[int, list[tuple[Organisation, str]]] = {}
    for organisation in organisations:
        name = normalised_name(organisation.name)
        charity = normalised_number(organisation.charity_number)
        company = normalised_number(organisation.company_number)
        for other in others:
            if other.id == organisation.id:
                continue
            if name and normalised_name(other.name) == name:
                reason = "the same name"
            elif charity and normalised_number(other.charity_number) == charity:
                reason = f"the same charity number ({organisation.charity_number})"
            elif company and normalised_number(other.company_number) == company:
                reason = f"the same company number ({organisation.company_number})"
            else:
                continue
            found.setdefault(organisation.id, []).append((other, reason))
    return found


def register_organisation(data: dict, created_by: User) -> Organisation:
    """A new organisation starts pending; its creator becomes its first administrator."""
    organisation = Organisation(created_by_id=created_by.id)
    _apply_form_data(organisation, data)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(Membership(user=created_by, organisation_id=organisation.id, role=ROLE_ADMIN))
    audit.record(
        "organisation.registered",
        organisation,
        organisation_id=organisation.id,
        summary=f"{organisation.name} registered (pending approval)",
    )
    _tell_platform_admins(
        f"New organisation to approve: {organisation.name}",
        "emails/admin_new_registration.txt",
        reply_to=created_by.email,
        organisation=organisation,
        registrant=created_by,
        link=_link("admin.organisations", status="pending"),
    )
    return organisation


PROFILE_FIELDS = (
    "name",
    "kind",
    "charity_number",
    "company_number",
    "website",
    "description",
    "size_band",
    "citywide",
    "wards",
)


def update_organisation(organisation: Organisation, data: dict) -> None:
    """Save the profile; the audit entry keeps old and new values of what changed.

    Refused with `EditConflict` if someone saved it since `data["version"]` was rendered."""
    check_version(organisation, data.get("version"))
    before = audit.values_of(organisation, PROFILE_FIELDS)
    _apply_form_data(organisation, data)
    audit.record(
        "organisation.updated",
        organisation,
        organisation_id=organisation.id,
        summary=f"{organisation.name} profile updated",
        changes=audit.changes_since(before, organisation),
    )


def set_organisation_status(
    organisation: Organisation, status: str, decided_by: User | None = None
) -> None:
    """Approve or suspend an organisation and tell its administrators who decided."""
    previous = organisation.status
    organisation.status = status
    audit.record(
        f"organisation.{status}",
        organisation,
        organisation_id=organisation.id,
        summary=f"{organisation.name}: {previous} to {status}",
        changes={"status": (previous, status)},
    )
    # A reply goes to a named person: the admin who decided, else the first platform admin.
    decider = decided_by or next(iter(platform_admins()), None)
    for user in recipients(organisation.id):
        send_email(
            user.email,
            f"{organisation.name} is now {status}",
            "emails/organisation_decision.txt",
            reply_to=decider.email if decider else None,
            organisation=organisation,
            decider=decider,
        )


def request_network_membership(
    organisation: Organisation, network: Network, requested_by: User | None = None
) -> NetworkMembership:
    if not organisation.can_publish:
        raise OrganisationError("Your organisation must be approved before it can join a network")
    existing = next(
        (m for m in organisation.network_memberships if m.network_id == network.id), None
    )
    if existing is not None and existing.status in (REQUEST_PENDING, REQUEST_ACCEPTED):
        raise OrganisationError(f"{organisation.name} has already asked to join {network.name}")
    if existing is None:
        existing = NetworkMembership(organisation=organisation, network=network)
        db.session.add(existing)
    existing.status = REQUEST_PENDING
    existing.requested_at = utcnow()
    existing.decided_at = None
    db.session.flush()
    audit.record(
        "network.requested",
        existing,
        organisation_id=organisation.id,
        summary=f"{organisation.name} asked to join {network.name}",
    )
    _tell_platform_admins(
        f"{organisation.name} asks to join {network.name}",
        "emails/admin_network_request.txt",
        reply_to=requested_by.email if requested_by else None,
        organisation=organisation,
        network=network,
        requested_by=requested_by,
        link=_link("admin.network_requests"),
    )
    return existing


def decide_network_request(request: NetworkMembership, accept: bool, decided_by: User) -> None:
    """Accept or decline a request to join a network; email the organisation's admins."""
    if request.status != REQUEST_PENDING:
        raise OrganisationError("This request has already been decided")
    previous = request.status
    request.status = REQUEST_ACCEPTED if accept else REQUEST_DECLINED
    request.decided_at = utcnow()
    request.decided_by_id = decided_by.id
    audit.record(
        f"network.{request.status}",
        request,
        organisation_id=request.organisation_id,
        summary=f"{request.organisation.name} {request.status} into {request.network.name}",
        changes={"status": (previous, request.status)},
    )
    for user in recipients(request.organisation_id):
        send_email(
            user.email,
            f"Your request to join {request.network.name}",
            "emails/network_decision.txt",
            reply_to=decided_by.email,
            decider=decided_by,
            organisation=request.organisation,
            network=request.network,
            decision=request.status,
        )


def directory_query(
    *,
    q: str | None = None,
    kind: str | None = None,
    ward_id: int | None = None,
    network_id: int | None = None,
) -> Select:
    """Approved organisations matching the filters, by name."""
    statement = select(Organisation).where(Organisation.status == STATUS_APPROVED)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(
            func.lower(Organisation.name).like(pattern.lower(), escape="\\")
        )
    if kind:
        statement = statement.where(Organisation.kind == kind)
    if ward_id:
        statement = statement.where(
            or_(Organisation.citywide.is_(True), Organisation.wards.any(Ward.id == ward_id))
        )
    if network_id:
        statement = statement.where(
            Organisation.network_memberships.any(
                (NetworkMembership.network_id == network_id)
                & (NetworkMembership.status == REQUEST_ACCEPTED)
            )
        )
    return statement.order_by(Organisation.name)


def partnership_figures() -> tuple[int, list[tuple[Network, int]]]:
    """For the home page: approved organisations, and each network's accepted members."""
    organisation_count = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == STATUS_APPROVED)
    )
    network_counts = db.session.execute(
        select(Network, func.count(NetworkMembership.id))
        .outerjoin(
            NetworkMembership,
            (NetworkMembership.network_id == Network.id)
            & (NetworkMembership.status == REQUEST_ACCEPTED)
            # A suspended organisation counts nowhere, the network figures included.
            & NetworkMembership.organisation_id.in_(counted_organisations()),
        )
        .group_by(Network.id)
        .order_by(Network.name)
    ).all()
    return organisation_count or 0, [(network, count) for network, count in network_counts]
