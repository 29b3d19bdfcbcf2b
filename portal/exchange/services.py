"""State changes and queries for the exchange. Services add and flush; the caller commits."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, case, delete, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..core import audit
from ..core.models import Ambition, Ward, utcnow
from ..extensions import db
from ..jobs import enqueue_after_commit
from ..mail.services import send_email
from ..orgs.models import Organisation
from . import matching
from .models import (
    CLOSED_BY_OWNER,
    CLOSED_EXPIRED,
    LISTING_CLOSED,
    LISTING_MATCHED,
    LISTING_OPEN,
    LISTING_PAUSED,
    MATCH_ACCEPTED,
    MATCH_ACTIVE_STATUSES,
    MATCH_COMMITTED_STATUSES,
    MATCH_DECLINED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    MATCH_LAPSED,
    MATCH_WITHDRAWN,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    ExchangeMessage,
    ExchangeSuggestion,
    Listing,
    ListingReport,
)
from .neighbours import ward_neighbours
from .rules import add_working_days, listing_expiry
from .search import keyword_condition

log = logging.getLogger(__name__)

SORTS = {
    "newest": "Newest first",
    "needed_by": "Needed soonest",
    "closing": "Closing soonest",
    "title": "Title A to Z",
}


class ExchangeError(Exception):
    """A rule of the exchange stops this action; the message is written for the person."""


# ---------------------------------------------------------------------------------------------
# Listings


def _apply_listing_fields(listing: Listing, data: dict, today: date) -> None:
    listing.resource_type = data["resource_type"]
    listing.title = data["title"]
    listing.description = data.get("description") or ""
    listing.quantity = data.get("quantity")
    listing.unit = (data.get("unit") or "").strip()
    listing.citywide = bool(data.get("citywide"))
    ward_ids = [] if listing.citywide else list(data.get("wards") or [])
    listing.wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(ward_ids))))
    ambition_ids = list(data.get("ambitions") or [])
    listing.ambitions = list(
        db.session.scalars(select(Ambition).where(Ambition.id.in_(ambition_ids)))
    )
    if listing.side == SIDE_OFFER:
        listing.available_from = data.get("available_from")
        listing.available_until = data.get("available_until")
        listing.needed_by = None
        listing.urgency = None
        ends = listing.available_until
    else:
        listing.available_from = None
        listing.available_until = None
        listing.needed_by = data.get("needed_by")
        listing.urgency = data.get("urgency") or None
        ends = listing.needed_by
    # Saving a listing renews it: it stays listed for another period from today.
    listing.expires_on = listing_expiry(today, ends=ends)


def create_listing(organisation: Organisation, side: str, data: dict, user: User) -> Listing:
    """Publish an offer or a request for `organisation`; suggestions follow by job."""
    if not organisation.can_publish:
        raise ExchangeError("Your organisation must be approved before it can publish listings.")
    listing = Listing(organisation_id=organisation.id, side=side, created_by_id=user.id)
    _apply_listing_fields(listing, data, utcnow().date())
    db.session.add(listing)
    db.session.flush()
    audit.record(
        f"exchange.{side}_created",
        listing,
        summary=f"{listing.side_label} listed: {listing.title}",
        organisation_id=organisation.id,
    )
    _recompute_after_commit(listing.id)
    return listing


def update_listing(listing: Listing, data: dict, user: User) -> Listing:
    _apply_listing_fields(listing, data, utcnow().date())
    if listing.status == LISTING_CLOSED and listing.closed_reason == CLOSED_EXPIRED:
        # Editing an expired listing is how its owner renews it.
        listing.status = LISTING_OPEN
        listing.closed_reason = ""
    db.session.flush()
    audit.record(
        "exchange.listing_updated",
        listing,
        summary=f"{listing.side_label} updated: {listing.title}",
        organisation_id=listing.organisation_id,
    )
    _recompute_after_commit(listing.id)
    return listing


OWNER_STATUS_CHANGES = {
    "pause": (LISTING_PAUSED, "paused"),
    "reopen": (LISTING_OPEN, "reopened"),
    "close": (LISTING_CLOSED, "closed"),
}


def change_listing_status(listing: Listing, change: str, user: User) -> Listing:
    """Pause, reopen or close a listing, as its owner."""
    if change not in OWNER_STATUS_CHANGES:
        raise ExchangeError("Choose pause, reopen or close.")
    status, verb = OWNER_STATUS_CHANGES[change]
    if change == "reopen":
        listing.expires_on = max(listing.expires_on, listing_expiry(utcnow().date(), ends=None))
    listing.status = status
    listing.closed_reason = CLOSED_BY_OWNER if status == LISTING_CLOSED else ""
    db.session.flush()
    audit.record(
        f"exchange.listing_{verb}",
        listing,
        summary=f"{listing.side_label} {verb}: {listing.title}",
        organisation_id=listing.organisation_id,
    )
    _recompute_after_commit(listing.id)
    return listing


def browse_query(
    *,
    side: str | None = None,
    resource_type: str | None = None,
    ward_id: int | None = None,
    ambition_id: int | None = None,
    kind: str | None = None,
    q: str | None = None,
    sort: str = "newest",
) -> Select:
    """Open, visible listings matching the filters, as one select."""
    statement = select(Listing).where(Listing.status == LISTING_OPEN, Listing.hidden_at.is_(None))
    if side:
        statement = statement.where(Listing.side == side)
    if resource_type:
        statement = statement.where(Listing.resource_type == resource_type)
    if ward_id:
        from .models import exchange_listing_wards

        # A citywide listing serves every ward.
        statement = statement.where(
            or_(
                Listing.citywide.is_(True),
                Listing.id.in_(
                    select(exchange_listing_wards.c.listing_id).where(
                        exchange_listing_wards.c.ward_id == ward_id
                    )
                ),
            )
        )
    if ambition_id:
        from .models import exchange_listing_ambitions

        statement = statement.where(
            Listing.id.in_(
                select(exchange_listing_ambitions.c.listing_id).where(
                    exchange_listing_ambitions.c.ambition_id == ambition_id
                )
            )
        )
    if kind:
        statement = statement.where(
            Listing.organisation_id.in_(select(Organisation.id).where(Organisation.kind == kind))
        )
    if q:
        condition = keyword_condition(q, db.session.get_bind().dialect.name)
        if condition is not None:
            statement = statement.where(condition)
    if sort == "needed_by":
        statement = statement.order_by(
            Listing.needed_by.is_(None), Listing.needed_by, Listing.id.desc()
        )
    elif sort == "closing":
        statement = statement.order_by(Listing.expires_on, Listing.id.desc())
    elif sort == "title":
        statement = statement.order_by(Listing.title, Listing.id)
    else:
        statement = statement.order_by(Listing.created_at.desc(), Listing.id.desc())
    return statement


def organisation_listings_query(organisation_id: int) -> Select:
    """An organisation's own listings, open ones first, for its exchange page (paginated)."""
    return (
        select(Listing)
        .where(Listing.organisation_id == organisation_id)
        .order_by(Listing.status == LISTING_CLOSED, Listing.created_at.desc(), Listing.id.desc())
    )


def open_listing_count(organisation_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Listing.id)).where(
                Listing.organisation_id == organisation_id, Listing.status == LISTING_OPEN
            )
        )
        or 0
    )


def public_listings_of(organisation_id: int, limit: int = 10) -> list[Listing]:
    """An organisation's open, visible listings, for its public profile."""
    return list(
        db.session.scalars(
            select(Listing)
            .where(
                Listing.organisation_id == organisation_id,
                Listing.status == LISTING_OPEN,
                Listing.hidden_at.is_(None),
            )
            .order_by(Listing.side, Listing.created_at.desc())
            .limit(limit)
        ).unique()
    )


def open_listings_of(organisation_id: int, side: str) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing)
            .where(
                Listing.organisation_id == organisation_id,
                Listing.side == side,
                Listing.status == LISTING_OPEN,
                Listing.hidden_at.is_(None),
            )
            .order_by(Listing.created_at.desc())
        ).unique()
    )


# ---------------------------------------------------------------------------------------------
# Progress on requests: committed and delivered against needed


@dataclass(frozen=True)
class Progress:
    needed: Decimal | None
    committed: Decimal
    delivered: Decimal
    unit: str

    @property
    def remaining(self) -> Decimal | None:
        if self.needed is None:
            return None
        return max(Decimal(0), self.needed - self.committed)

    @property
    def is_met(self) -> bool:
        return self.needed is not None and self.committed >= self.needed


def request_progress(requests: Iterable[Listing]) -> dict[int, Progress]:
    """Committed (agreed or delivered) and delivered quantities for each request, in one query."""
    requests = [r for r in requests if r.side == SIDE_REQUEST]
    if not requests:
        return {}
    # A delivered match counts what was actually delivered; an agreed one what was committed.
    counted = func.coalesce(
        case(
            (ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_quantity),
            else_=ExchangeMatch.committed_quantity,
        ),
        0,
    )
    rows = db.session.execute(
        select(
            ExchangeMatch.request_id,
            func.sum(counted),
            func.sum(
                case(
                    (ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_quantity),
                    else_=0,
                )
            ),
        )
        .where(
            ExchangeMatch.request_id.in_([r.id for r in requests]),
            ExchangeMatch.status.in_(MATCH_COMMITTED_STATUSES),
        )
        .group_by(ExchangeMatch.request_id)
    ).all()
    totals = {row[0]: (Decimal(row[1] or 0), Decimal(row[2] or 0)) for row in rows}
    return {
        r.id: Progress(
            needed=r.quantity,
            committed=totals.get(r.id, (Decimal(0), Decimal(0)))[0],
            delivered=totals.get(r.id, (Decimal(0), Decimal(0)))[1],
            unit=r.unit,
        )
        for r in requests
    }


def _refresh_request_status(request: Listing) -> None:
    """A request whose need is fully committed shows as matched; it reopens if that falls away."""
    progress = request_progress([request])[request.id]
    if request.status == LISTING_OPEN and progress.is_met:
        request.status = LISTING_MATCHED
        _recompute_after_commit(request.id)
    elif request.status == LISTING_MATCHED and not progress.is_met:
        request.status = LISTING_OPEN
        _recompute_after_commit(request.id)


# ---------------------------------------------------------------------------------------------
# Matches: interest, answer, delivery, withdrawal, messages


def _organisation_contacts(organisation_id: int) -> list[str]:
    """Who hears about exchange activity: the organisation's admins, else all its members."""
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
            .options(selectinload(Membership.user))
        )
    )
    admins = [m.user.email for m in memberships if m.role == ROLE_ADMIN]
    return sorted(admins or [m.user.email for m in memberships])


def organisation_contact(organisation_id: int) -> User | None:
    """The person to contact at an organisation when a listing has no author: an admin first."""
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
        .order_by(Membership.role != ROLE_ADMIN, Membership.id)
    )


def _link(endpoint: str, **values: object) -> str:
    """An absolute link for an email, also from a job (which has no request)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)


def _notify(organisation_id: int, subject: str, template: str, **context: object) -> None:
    match = context.get("match")
    if isinstance(match, ExchangeMatch):
        context.setdefault("link", _link("exchange.match", match_id=match.id))
    for address in _organisation_contacts(organisation_id):
        send_email(address, subject, template, **context)


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
    _notify(
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
    match.status = MATCH_ACCEPTED
    match.responded_at = utcnow()
    match.responded_by_id = user.id
    db.session.flush()
    _refresh_request_status(match.request)
    audit.record(
        "exchange.accepted",
        match,
        summary=f"Match accepted: '{match.offer.title}' for '{match.request.title}'",
        organisation_id=match.responder_organisation_id,
    )
    _notify(
        match.initiated_by_organisation_id,
        "Your interest has been accepted",
        "exchange/emails/accepted.txt",
        match=match,
    )
    return match


def decline_match(match: ExchangeMatch, user: User) -> ExchangeMatch:
    _require_status(match, MATCH_INTERESTED, action="decline it")
    match.status = MATCH_DECLINED
    match.responded_at = utcnow()
    match.responded_by_id = user.id
    db.session.flush()
    audit.record(
        "exchange.declined",
        match,
        summary=f"Match declined: '{match.offer.title}' for '{match.request.title}'",
        organisation_id=match.responder_organisation_id,
    )
    _notify(
        match.initiated_by_organisation_id,
        "Your interest was declined",
        "exchange/emails/declined.txt",
        match=match,
    )
    return match


def withdraw_match(match: ExchangeMatch, organisation_id: int, user: User) -> ExchangeMatch:
    """Either side may withdraw before delivery; the other side is told."""
    _require_status(match, *MATCH_ACTIVE_STATUSES, action="withdraw from it")
    match.status = MATCH_WITHDRAWN
    match.withdrawn_by_organisation_id = organisation_id
    db.session.flush()
    _refresh_request_status(match.request)
    audit.record(
        "exchange.withdrawn",
        match,
        summary=f"Match withdrawn: '{match.offer.title}' for '{match.request.title}'",
        organisation_id=organisation_id,
    )
    _notify(
        match.other_organisation_id(organisation_id),
        "A match has been withdrawn",
        "exchange/emails/withdrawn.txt",
        match=match,
    )
    return match


def deliver_match(
    match: ExchangeMatch, quantity: Decimal, unit: str, user: User, organisation_id: int
) -> ExchangeMatch:
    """Record what was actually delivered (hours, items, £); it then counts as social value."""
    _require_status(match, MATCH_ACCEPTED, action="mark it delivered")
    match.status = MATCH_DELIVERED
    match.delivered_quantity = quantity
    match.delivered_unit = unit.strip()
    match.delivered_at = utcnow()
    match.delivered_by_id = user.id
    db.session.flush()
    _refresh_request_status(match.request)
    audit.record(
        "exchange.delivered",
        match,
        summary=f"Delivered {match.delivered_label}: '{match.offer.title}'",
        organisation_id=organisation_id,
        details={"quantity": str(quantity), "unit": match.delivered_unit},
    )
    _notify(
        match.other_organisation_id(organisation_id),
        "An exchange has been marked delivered",
        "exchange/emails/delivered.txt",
        match=match,
    )
    return match


def post_message(
    match: ExchangeMatch, organisation_id: int, user: User, body: str
) -> ExchangeMessage:
    """Add to the match's private thread and email the other side (delivered by job)."""
    if match.status in (MATCH_DECLINED, MATCH_LAPSED, MATCH_WITHDRAWN):
        raise ExchangeError("This conversation has ended, so you cannot send more messages.")
    message = ExchangeMessage(
        match_id=match.id, organisation_id=organisation_id, author_id=user.id, body=body
    )
    db.session.add(message)
    db.session.flush()
    _notify(
        match.other_organisation_id(organisation_id),
        "New message about an exchange",
        "exchange/emails/message.txt",
        match=match,
        message=message,
        sender=db.session.get(Organisation, organisation_id),
    )
    return message


def match_messages(match_id: int) -> list[ExchangeMessage]:
    return list(
        db.session.scalars(
            select(ExchangeMessage)
            .where(ExchangeMessage.match_id == match_id)
            .order_by(ExchangeMessage.created_at, ExchangeMessage.id)
        )
    )


def matches_for_listing(listing_id: int) -> list[ExchangeMatch]:
    return list(
        db.session.scalars(
            select(ExchangeMatch)
            .where(
                or_(ExchangeMatch.offer_id == listing_id, ExchangeMatch.request_id == listing_id)
            )
            .order_by(ExchangeMatch.created_at.desc())
        ).unique()
    )


# ---------------------------------------------------------------------------------------------
# An organisation's own exchange


HISTORY_LIMIT = 20


@dataclass
class MyExchange:
    waiting_for_us: list[ExchangeMatch]
    waiting_for_them: list[ExchangeMatch]
    to_deliver: list[ExchangeMatch]
    history: list[ExchangeMatch]


def _organisation_matches(organisation_id: int) -> Select:
    offer = aliased(Listing)
    request = aliased(Listing)
    return (
        select(ExchangeMatch)
        .join(offer, ExchangeMatch.offer_id == offer.id)
        .join(request, ExchangeMatch.request_id == request.id)
        .where(
            or_(
                offer.organisation_id == organisation_id,
                request.organisation_id == organisation_id,
            )
        )
        .order_by(ExchangeMatch.updated_at.desc(), ExchangeMatch.id.desc())
    )


def my_exchange(organisation_id: int) -> MyExchange:
    """An organisation's open matches, sorted by what needs doing, and its recent history."""
    base = _organisation_matches(organisation_id)
    active = list(
        db.session.scalars(base.where(ExchangeMatch.status.in_(MATCH_ACTIVE_STATUSES))).unique()
    )
    history = list(
        db.session.scalars(
            base.where(ExchangeMatch.status.not_in(MATCH_ACTIVE_STATUSES)).limit(HISTORY_LIMIT)
        ).unique()
    )
    waiting = [m for m in active if m.status == MATCH_INTERESTED]
    return MyExchange(
        waiting_for_us=[m for m in waiting if m.responder_organisation_id == organisation_id],
        waiting_for_them=[m for m in waiting if m.responder_organisation_id != organisation_id],
        to_deliver=[m for m in active if m.status == MATCH_ACCEPTED],
        history=history,
    )


def delivered_matches_for_organisation(organisation_id: int) -> list[ExchangeMatch]:
    """Matches delivered where `organisation_id` was the offering side, newest first."""
    return list(
        db.session.scalars(
            select(ExchangeMatch)
            .join(Listing, ExchangeMatch.offer_id == Listing.id)
            .where(
                Listing.organisation_id == organisation_id,
                ExchangeMatch.status == MATCH_DELIVERED,
            )
            .order_by(ExchangeMatch.delivered_at.desc(), ExchangeMatch.id.desc())
        ).unique()
    )


def delivered_totals(
    *, organisation_id: int | None = None, ambition_id: int | None = None
) -> list[tuple[str, str, Decimal]]:
    """Delivered quantities as (resource type, unit, total), for social value and convenors.

    `organisation_id` counts what that organisation gave; `ambition_id` what was delivered
    against requests tagged with that Ambition.
    """
    from .models import exchange_listing_ambitions

    offer = aliased(Listing)
    statement = (
        select(
            offer.resource_type,
            ExchangeMatch.delivered_unit,
            func.sum(ExchangeMatch.delivered_quantity),
        )
        .join(offer, ExchangeMatch.offer_id == offer.id)
        .where(ExchangeMatch.status == MATCH_DELIVERED)
        .group_by(offer.resource_type, ExchangeMatch.delivered_unit)
        .order_by(offer.resource_type, ExchangeMatch.delivered_unit)
    )
    if organisation_id is not None:
        statement = statement.where(offer.organisation_id == organisation_id)
    if ambition_id is not None:
        statement = statement.where(
            ExchangeMatch.request_id.in_(
                select(exchange_listing_ambitions.c.listing_id).where(
                    exchange_listing_ambitions.c.ambition_id == ambition_id
                )
            )
        )
    return [(row[0], row[1], Decimal(row[2] or 0)) for row in db.session.execute(statement)]


@dataclass
class AmbitionImpact:
    ambition: Ambition
    open_requests: int
    open_offers: int
    delivered_matches: int
    totals: list[tuple[str, str, Decimal]]


def ambition_impact(ambitions: list[Ambition]) -> list[AmbitionImpact]:
    """What the exchange did for each Ambition: open listings, delivered matches and amounts."""
    from .models import exchange_listing_ambitions as tags

    listing_counts = {
        (row[0], row[1]): row[2]
        for row in db.session.execute(
            select(tags.c.ambition_id, Listing.side, func.count(Listing.id))
            .join(Listing, Listing.id == tags.c.listing_id)
            .where(Listing.status == LISTING_OPEN, Listing.hidden_at.is_(None))
            .group_by(tags.c.ambition_id, Listing.side)
        )
    }
    delivered_counts = dict(
        db.session.execute(
            select(tags.c.ambition_id, func.count(ExchangeMatch.id))
            .join(ExchangeMatch, ExchangeMatch.request_id == tags.c.listing_id)
            .where(ExchangeMatch.status == MATCH_DELIVERED)
            .group_by(tags.c.ambition_id)
        ).all()
    )
    return [
        AmbitionImpact(
            ambition=ambition,
            open_requests=listing_counts.get((ambition.id, SIDE_REQUEST), 0),
            open_offers=listing_counts.get((ambition.id, SIDE_OFFER), 0),
            delivered_matches=delivered_counts.get(ambition.id, 0),
            totals=delivered_totals(ambition_id=ambition.id),
        )
        for ambition in ambitions
    ]


# ---------------------------------------------------------------------------------------------
# Suggestions (the matching job's output)


def listing_facts(listing: Listing) -> matching.ListingFacts:
    return matching.ListingFacts(
        id=listing.id,
        organisation_id=listing.organisation_id,
        resource_type=listing.resource_type,
        ward_names=frozenset(w.name for w in listing.wards),
        citywide=listing.citywide,
        ambition_names=frozenset(a.name for a in listing.ambitions),
        quantity=float(listing.quantity) if listing.quantity is not None else None,
        unit=listing.unit,
        available_from=listing.available_from,
        available_until=listing.available_until,
        needed_by=listing.needed_by,
    )


def _recompute_after_commit(listing_id: int) -> None:
    from .jobs import recompute_suggestions

    enqueue_after_commit(recompute_suggestions, listing_id)


def _open_listings(side: str) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing).where(
                Listing.side == side, Listing.status == LISTING_OPEN, Listing.hidden_at.is_(None)
            )
        ).unique()
    )


def recompute_suggestions_for(listing: Listing, candidates: list[Listing] | None = None) -> int:
    """Replace the suggestions involving `listing` with freshly ranked ones; returns how many."""
    column = ExchangeSuggestion.request_id if listing.is_request else ExchangeSuggestion.offer_id
    db.session.execute(delete(ExchangeSuggestion).where(column == listing.id))
    if not listing.is_open:
        db.session.flush()
        return 0
    other_side = SIDE_OFFER if listing.is_request else SIDE_REQUEST
    candidates = candidates if candidates is not None else _open_listings(other_side)
    facts = listing_facts(listing)
    others = [listing_facts(c) for c in candidates]
    ranked = (
        matching.rank_offers(facts, others, ward_neighbours())
        if listing.is_request
        else matching.rank_requests(facts, others, ward_neighbours())
    )
    now = utcnow()
    for item in ranked:
        db.session.add(
            ExchangeSuggestion(
                request_id=item.request_id,
                offer_id=item.offer_id,
                score=item.score,
                reasons_json=json.dumps(list(item.reasons)),
                computed_at=now,
            )
        )
    db.session.flush()
    return len(ranked)


def recompute_all_suggestions() -> int:
    """Rank offers for every open request (which also covers every open offer's requests)."""
    db.session.execute(delete(ExchangeSuggestion))
    offers = _open_listings(SIDE_OFFER)
    return sum(
        recompute_suggestions_for(request, offers) for request in _open_listings(SIDE_REQUEST)
    )


def suggestions_for(listing: Listing, limit: int = 10) -> list[ExchangeSuggestion]:
    """The ranked suggestions for a listing, showing only counterparts still open."""
    if listing.is_request:
        own, other, other_column = (
            ExchangeSuggestion.request_id,
            ExchangeSuggestion.offer,
            ExchangeSuggestion.offer_id,
        )
    else:
        own, other, other_column = (
            ExchangeSuggestion.offer_id,
            ExchangeSuggestion.request,
            ExchangeSuggestion.request_id,
        )
    return list(
        db.session.scalars(
            select(ExchangeSuggestion)
            .join(Listing, other_column == Listing.id)
            .where(own == listing.id, Listing.status == LISTING_OPEN, Listing.hidden_at.is_(None))
            .options(selectinload(other))
            .order_by(ExchangeSuggestion.score.desc(), other_column)
            .limit(limit)
        )
    )


# ---------------------------------------------------------------------------------------------
# Scheduled work


def expire_stale_listings(today: date) -> list[Listing]:
    """Close open or paused listings whose expiry date has passed, and tell their owners."""
    stale = list(
        db.session.scalars(
            select(Listing).where(
                Listing.status.in_((LISTING_OPEN, LISTING_PAUSED)), Listing.expires_on < today
            )
        ).unique()
    )
    for listing in stale:
        listing.status = LISTING_CLOSED
        listing.closed_reason = CLOSED_EXPIRED
        audit.record(
            "exchange.listing_expired",
            listing,
            summary=f"{listing.side_label} expired: {listing.title}",
            organisation_id=listing.organisation_id,
        )
        _notify(
            listing.organisation_id,
            f"Your {listing.side} has expired",
            "exchange/emails/expired.txt",
            listing=listing,
            link=_link(
                "exchange.edit_listing", org_id=listing.organisation_id, listing_id=listing.id
            ),
        )
        _recompute_after_commit(listing.id)
    db.session.flush()
    return stale


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
        match.status = MATCH_LAPSED
        audit.record(
            "exchange.lapsed",
            match,
            summary=f"Interest lapsed: '{match.offer.title}' for '{match.request.title}'",
            organisation_id=match.initiated_by_organisation_id,
        )
        _notify(
            match.initiated_by_organisation_id,
            "Your interest has lapsed without an answer",
            "exchange/emails/lapsed.txt",
            match=match,
        )
    db.session.flush()
    return overdue


# ---------------------------------------------------------------------------------------------
# Moderation


def report_listing(listing: Listing, user: User, reason: str) -> ListingReport:
    report = ListingReport(listing_id=listing.id, reporter_id=user.id, reason=reason)
    db.session.add(report)
    db.session.flush()
    audit.record(
        "exchange.listing_reported",
        listing,
        summary=f"Listing reported: {listing.title}",
        organisation_id=listing.organisation_id,
    )
    return report


def open_reports() -> list[ListingReport]:
    return list(
        db.session.scalars(
            select(ListingReport)
            .where(ListingReport.resolved_at.is_(None))
            .order_by(ListingReport.created_at)
        ).unique()
    )


def hidden_listings() -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing).where(Listing.hidden_at.is_not(None)).order_by(Listing.hidden_at.desc())
        ).unique()
    )


def _resolve_reports(listing: Listing, user: User) -> None:
    now = utcnow()
    for report in db.session.scalars(
        select(ListingReport).where(
            ListingReport.listing_id == listing.id, ListingReport.resolved_at.is_(None)
        )
    ):
        report.resolved_at = now
        report.resolved_by_id = user.id


def hide_listing(listing: Listing, user: User, reason: str) -> Listing:
    """A platform admin takes a listing out of public view (audited); its owner still sees it."""
    listing.hidden_at = utcnow()
    listing.hidden_by_id = user.id
    listing.hidden_reason = reason
    _resolve_reports(listing, user)
    db.session.flush()
    audit.record(
        "exchange.listing_hidden",
        listing,
        summary=f"Listing hidden: {listing.title}",
        organisation_id=listing.organisation_id,
        details={"reason": reason},
    )
    _recompute_after_commit(listing.id)
    return listing


def restore_listing(listing: Listing, user: User) -> Listing:
    listing.hidden_at = None
    listing.hidden_by_id = None
    listing.hidden_reason = ""
    _resolve_reports(listing, user)
    db.session.flush()
    audit.record(
        "exchange.listing_restored",
        listing,
        summary=f"Listing restored: {listing.title}",
        organisation_id=listing.organisation_id,
    )
    _recompute_after_commit(listing.id)
    return listing


def dismiss_reports(listing: Listing, user: User) -> None:
    _resolve_reports(listing, user)
    db.session.flush()
    audit.record(
        "exchange.reports_dismissed",
        listing,
        summary=f"Reports dismissed: {listing.title}",
        organisation_id=listing.organisation_id,
    )
