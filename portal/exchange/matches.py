"""Matches between an offer and a request: interest, answer, delivery, withdrawal and lapsing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select

from ..accounts.models import User
from ..core import audit
from ..core.models import utcnow
from ..extensions import db
from .loading import match_rows
from .models import (
    MATCH_ACCEPTED,
    MATCH_ACTIVE_STATUSES,
    MATCH_DECLINED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    MATCH_LAPSED,
    MATCH_WITHDRAWN,
    ExchangeMatch,
    Listing,
    quantity_label,
)
from .notifications import notify
from .progress import refresh_request_status
from .rules import ExchangeError, add_working_days


def active_match_between(offer_id: int, request_id: int) -> ExchangeMatch | None:
    return db.session.scalar(
        select(ExchangeMatch).where(
            ExchangeMatch.offer_id == offer_id,
            ExchangeMatch.request_id == request_id,
            ExchangeMatch.status.in_(MATCH_ACTIVE_STATUSES),
        )
    )


def express_interest(
    own_listing: Listing,
    other_listing: Listing,
    user: User,
    *,
    note: str = "",
    committed_quantity: Decimal | None = None,
) -> ExchangeMatch:
    """Pair one of our listings with theirs and ask them to accept within five working days."""
    if own_listing.side == other_listing.side:
        raise ExchangeError("Choose one of your offers for a request, or a request for an offer.")
    if own_listing.organisation_id == other_listing.organisation_id:
        raise ExchangeError("You cannot respond to your own organisation's listing.")
    if not own_listing.organisation.can_publish:
        raise ExchangeError("Your organisation must be approved before it can take part.")
    if not other_listing.organisation.can_publish:
        raise ExchangeError("That listing is not available on the exchange at the moment.")
    if not (own_listing.is_open and other_listing.is_open):
        raise ExchangeError("Both listings must be open to express interest.")
    offer, request = (
        (own_listing, other_listing) if own_listing.is_offer else (other_listing, own_listing)
    )
    if active_match_between(offer.id, request.id) is not None:
        raise ExchangeError("There is already an open conversation about these two listings.")
    now = utcnow()
    match = ExchangeMatch(
        offer_id=offer.id,
        request_id=request.id,
        initiated_by_organisation_id=own_listing.organisation_id,
        initiated_by_id=user.id,
        status=MATCH_INTERESTED,
        note=note or "",
        committed_quantity=committed_quantity,
        respond_by=add_working_days(now),
    )
    match.offer = offer
    match.request = request
    db.session.add(match)
    db.session.flush()
    audit.record(
        "exchange.interest",
        match,
        summary=f"{own_listing.organisation.name} is interested in '{other_listing.title}'",
        organisation_id=own_listing.organisation_id,
    )
    notify(
        other_listing.organisation_id,
        f"{own_listing.organisation.name} is interested in your {other_listing.side}",
        "exchange/emails/interest.txt",
        match=match,
        own=own_listing,
        other=other_listing,
    )
    return match


def _require_status(match: ExchangeMatch, *statuses: str, action: str) -> None:
    if match.status not in statuses:
        raise ExchangeError(f"This match is {match.status_label.lower()}, so you cannot {action}.")


def accept_match(match: ExchangeMatch, user: User) -> ExchangeMatch:
    _require_status(match, MATCH_INTERESTED, action="accept it")
    previous = match.status
    match.status = MATCH_ACCEPTED
    match.responded_at = utcnow()
    match.responded_by_id = user.id
    db.session.flush()
    refresh_request_status(match.request)
    audit.record(
        "exchange.accepted",
        match,
        summary=f"Match accepted: '{match.offer.title}' for '{match.request.title}'",
        changes={"status": (previous, match.status)},
        organisation_id=match.responder_organisation_id,
    )
    notify(
        match.initiated_by_organisation_id,
        "Your interest has been accepted",
        "exchange/emails/accepted.txt",
        match=match,
    )
    return match


def decline_match(match: ExchangeMatch, user: User) -> ExchangeMatch:
    _require_status(match, MATCH_INTERESTED, action="decline it")
    previous = match.status
    match.status = MATCH_DECLINED
    match.responded_at = utcnow()
    match.responded_by_id = user.id
    db.session.flush()
    audit.record(
        "exchange.declined",
        match,
        summary=f"Match declined: '{match.offer.title}' for '{match.request.title}'",
        changes={"status": (previous, match.status)},
        organisation_id=match.responder_organisation_id,
    )
    notify(
        match.initiated_by_organisation_id,
        "Your interest was declined",
        "exchange/emails/declined.txt",
        match=match,
    )
    return match


def withdraw_match(match: ExchangeMatch, organisation_id: int, user: User) -> ExchangeMatch:
    """Either side may withdraw before delivery; the other side is told."""
    _require_status(match, *MATCH_ACTIVE_STATUSES, action="withdraw from it")
    previous = match.status
    match.status = MATCH_WITHDRAWN
    match.withdrawn_by_organisation_id = organisation_id
    db.session.flush()
    refresh_request_status(match.request)
    audit.record(
        "exchange.withdrawn",
        match,
        summary=f"Match withdrawn: '{match.offer.title}' for '{match.request.title}'",
        changes={"status": (previous, match.status)},
        organisation_id=organisation_id,
    )
    notify(
        match.other_organisation_id(organisation_id),
        "A match has been withdrawn",
        "exchange/emails/withdrawn.txt",
        match=match,
    )
    return match


# What delivering a match changes; the audit entry keeps them before and after.
DELIVERY_FIELDS = (
    "status",
    "delivered_quantity",
    "delivered_unit",
    "delivered_resource_type",
    "delivered_title",
)


class OverDeliveryError(ExchangeError):
    """More than was agreed, without the person saying so."""


def deliver_match(
    match: ExchangeMatch,
    quantity: Decimal,
    unit: str,
    user: User,
    organisation_id: int,
    *,
    more_than_agreed: bool = False,
) -> ExchangeMatch:
    """Record what was actually delivered (hours, items, £); it then counts as social value.

    Delivering more than was agreed needs `more_than_agreed`, so a typing slip cannot inflate
    the figures; the type and title of the offer are kept as they are now.
    """
    _require_status(match, MATCH_ACCEPTED, action="mark it delivered")
    agreed = match.committed_quantity
    if agreed is not None and quantity > agreed and not more_than_agreed:
        raise OverDeliveryError(
            f"That is more than the {quantity_label(agreed, unit)} agreed. Check the amount, "
            "or tick 'I delivered more than agreed'"
        )
    before = audit.values_of(match, DELIVERY_FIELDS)
    match.status = MATCH_DELIVERED
    match.snapshot_delivery()
    match.delivered_quantity = quantity
    match.delivered_unit = unit.strip()
    match.delivered_at = utcnow()
    match.delivered_by_id = user.id
    db.session.flush()
    refresh_request_status(match.request)
    audit.record(
        "exchange.delivered",
        match,
        summary=f"Delivered {match.delivery_summary}: '{match.title}'",
        organisation_id=organisation_id,
        details={
            "quantity": str(quantity),
            "unit": match.delivered_unit,
            "agreed": None if agreed is None else str(agreed),
            "resource_type": match.delivered_resource_type,
            "title": match.delivered_title,
        },
        changes=audit.changes_since(before, match),
    )
    notify(
        match.other_organisation_id(organisation_id),
        "An exchange has been marked delivered",
        "exchange/emails/delivered.txt",
        match=match,
    )
    return match


def set_contact_sharing(
    match: ExchangeMatch, organisation_id: int, user: User, *, share: bool
) -> ExchangeMatch:
    """One side chooses to show (or stop showing) its contact details to the other."""
    if not match.can_share_contact:
        raise ExchangeError("You can share contact details once the exchange is accepted.")
    if match.contact_shared_by(organisation_id) == share:
        return match
    when = utcnow() if share else None
    if organisation_id == match.offer_organisation_id:
        match.offer_contact_shared_at = when
    else:
        match.request_contact_shared_at = when
    db.session.flush()
    organisation = (
        match.offer_organisation
        if organisation_id == match.offer_organisation_id
        else match.request_organisation
    )
    audit.record(
        "exchange.contact_shared" if share else "exchange.contact_unshared",
        match,
        summary=(
            f"{organisation.name} {'shared' if share else 'stopped sharing'} contact details "
            f"for '{match.title}'"
        ),
        organisation_id=organisation_id,
        details={"shared": share},
    )
    return match


def matches_for_listing(listing_id: int) -> list[ExchangeMatch]:
    return list(
        db.session.scalars(
            select(ExchangeMatch)
            .where(
                or_(ExchangeMatch.offer_id == listing_id, ExchangeMatch.request_id == listing_id)
            )
            .options(*match_rows())
            .order_by(ExchangeMatch.created_at.desc())
        ).unique()
    )


def lapse_overdue_interests(now: datetime) -> list[ExchangeMatch]:
    """Interests not answered by their deadline lapse; the side that asked is told."""
    overdue = list(
        db.session.scalars(
            select(ExchangeMatch).where(
                ExchangeMatch.status == MATCH_INTERESTED, ExchangeMatch.respond_by < now
            )
        ).unique()
    )
    for match in overdue:
        previous, match.status = match.status, MATCH_LAPSED
        audit.record(
            "exchange.lapsed",
            match,
            summary=f"Interest lapsed: '{match.offer.title}' for '{match.request.title}'",
            changes={"status": (previous, match.status)},
            organisation_id=match.initiated_by_organisation_id,
        )
        notify(
            match.initiated_by_organisation_id,
            "Your interest has lapsed without an answer",
            "exchange/emails/lapsed.txt",
            match=match,
        )
    db.session.flush()
    return overdue
