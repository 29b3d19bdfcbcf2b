"""Offers and requests: publishing, editing, pausing, browsing and expiry. The caller commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select

from ..accounts.models import User
from ..core import audit
from ..core.locking import check_version
from ..core.models import Ambition, Ward, utcnow
from ..extensions import db
from ..orgs.models import Organisation
from .loading import listing_rows
from .models import (
    CLOSED_BY_OWNER,
    CLOSED_EXPIRED,
    LISTING_CLOSED,
    LISTING_OPEN,
    LISTING_PAUSED,
    SIDE_OFFER,
    Listing,
    exchange_listing_ambitions,
    exchange_listing_wards,
)
from .notifications import email_link, notify
from .rules import ExchangeError, listing_expiry
from .search import keyword_condition, listed
from .suggestions import rerank_after_commit

SORTS = {
    "newest": "Newest first",
    "needed_by": "Needed soonest",
    "closing": "Closing soonest",
    "title": "Title A to Z",
}


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


def record_and_rerank(
    listing: Listing,
    action: str,
    summary: str,
    *,
    changes: dict[str, tuple[object, object]] | None = None,
    details: dict[str, object] | None = None,
) -> Listing:
    """Audit a change to a listing, then have its suggestions worked out again after commit."""
    audit.record(
        action,
        listing,
        summary=summary,
        organisation_id=listing.organisation_id,
        changes=changes,
        details=details,
    )
    rerank_after_commit(listing.id)
    return listing


def create_listing(organisation: Organisation, side: str, data: dict, user: User) -> Listing:
    """Publish an offer or a request for `organisation`; suggestions follow by job."""
    if not organisation.can_publish:
        raise ExchangeError("Your organisation must be approved before it can publish listings.")
    listing = Listing(organisation_id=organisation.id, side=side, created_by_id=user.id)
    _apply_listing_fields(listing, data, utcnow().date())
    db.session.add(listing)
    db.session.flush()
    return record_and_rerank(
        listing, f"exchange.{side}_created", f"{listing.side_label} listed: {listing.title}"
    )


LISTING_FIELDS = (
    "resource_type",
    "title",
    "description",
    "quantity",
    "unit",
    "citywide",
    "wards",
    "available_from",
    "available_until",
    "needed_by",
    "urgency",
    "status",
)


def update_listing(listing: Listing, data: dict, user: User) -> Listing:
    """Save the owner's edits; the audit entry keeps old and new values of what changed.

    Refused with `EditConflict` if someone saved it since `data["version"]` was rendered."""
    check_version(listing, data.get("version"))
    before = audit.values_of(listing, LISTING_FIELDS)
    _apply_listing_fields(listing, data, utcnow().date())
    if listing.status == LISTING_CLOSED and listing.closed_reason == CLOSED_EXPIRED:
        # Editing an expired listing is how its owner renews it.
        listing.status = LISTING_OPEN
        listing.closed_reason = ""
    db.session.flush()
    return record_and_rerank(
        listing,
        "exchange.listing_updated",
        f"{listing.side_label} updated: {listing.title}",
        changes=audit.changes_since(before, listing),
    )


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
    ends = listing.needed_by if listing.is_request else listing.available_until
    if change == "reopen" and ends is not None and ends < utcnow().date():
        what = "needed-by" if listing.is_request else "available-until"
        raise ExchangeError(f"Its {what} date has passed. Edit it to give a new date first.")
    before = audit.values_of(listing, ("status", "closed_reason", "expires_on"))
    if change == "reopen":
        listing.expires_on = max(listing.expires_on, listing_expiry(utcnow().date(), ends=None))
    listing.status = status
    listing.closed_reason = CLOSED_BY_OWNER if status == LISTING_CLOSED else ""
    db.session.flush()
    return record_and_rerank(
        listing,
        f"exchange.listing_{verb}",
        f"{listing.side_label} {verb}: {listing.title}",
        changes=audit.changes_since(before, listing),
    )


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
    """Listed offers and requests matching the filters, as one select."""
    statement = select(Listing).where(listed()).options(*listing_rows())
    if side:
        statement = statement.where(Listing.side == side)
    if resource_type:
        statement = statement.where(Listing.resource_type == resource_type)
    if ward_id:
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
        # Requests with no date (and every offer) last; the partial index gives the order.
        statement = statement.order_by(Listing.needed_by.asc().nulls_last(), Listing.id.desc())
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
        .options(*listing_rows())
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
    """An organisation's listed offers and requests, for its public profile."""
    return list(
        db.session.scalars(
            select(Listing)
            .where(Listing.organisation_id == organisation_id, listed())
            .options(*listing_rows())
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
        previous = listing.status
        listing.status = LISTING_CLOSED
        listing.closed_reason = CLOSED_EXPIRED
        audit.record(
            "exchange.listing_expired",
            listing,
            summary=f"{listing.side_label} expired: {listing.title}",
            organisation_id=listing.organisation_id,
            changes={"status": (previous, listing.status)},
        )
        notify(
            listing.organisation_id,
            f"Your {listing.side} has expired",
            "exchange/emails/expired.txt",
            listing=listing,
            link=email_link(
                "exchange.edit_listing", org_id=listing.organisation_id, listing_id=listing.id
            ),
        )
        rerank_after_commit(listing.id)
    db.session.flush()
    return stale
