"""Platform admins' moderation: reports from users, hiding and restoring listings."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, lazyload

from ..accounts.models import User
from ..core import audit
from ..core.models import utcnow
from ..extensions import db
from .listings import record_and_rerank
from .loading import listing_rows
from .models import (
    Listing,
    ListingReport,
)

# What hiding or restoring a listing changes; the audit entry keeps them before and after.
MODERATION_FIELDS = ("hidden_at", "hidden_reason")


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


def open_reports_query() -> Select:
    """Reports nobody has dealt with, oldest first (for pagination; a partial index serves it),
    with the listing and its organisation's name."""
    return (
        select(ListingReport)
        .where(ListingReport.resolved_at.is_(None))
        .options(
            joinedload(ListingReport.listing).options(*listing_rows()),
            lazyload(ListingReport.reporter),
        )
        .order_by(ListingReport.created_at, ListingReport.id)
    )


def hidden_listings_query() -> Select:
    """Hidden listings, most recently hidden first (for pagination; a partial index serves it)."""
    return (
        select(Listing)
        .where(Listing.hidden_at.is_not(None))
        .options(*listing_rows())
        .order_by(Listing.hidden_at.desc(), Listing.id.desc())
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
    before = audit.values_of(listing, MODERATION_FIELDS)
    listing.hidden_at = utcnow()
    listing.hidden_by_id = user.id
    listing.hidden_reason = reason
    _resolve_reports(listing, user)
    db.session.flush()
    return record_and_rerank(
        listing,
        "exchange.listing_hidden",
        f"Listing hidden: {listing.title}",
        changes=audit.changes_since(before, listing),
        details={"reason": reason},
    )


def restore_listing(listing: Listing, user: User) -> Listing:
    before = audit.values_of(listing, MODERATION_FIELDS)
    listing.hidden_at = None
    listing.hidden_by_id = None
    listing.hidden_reason = ""
    _resolve_reports(listing, user)
    db.session.flush()
    return record_and_rerank(
        listing,
        "exchange.listing_restored",
        f"Listing restored: {listing.title}",
        changes=audit.changes_since(before, listing),
    )


def dismiss_reports(listing: Listing, user: User) -> None:
    _resolve_reports(listing, user)
    db.session.flush()
    audit.record(
        "exchange.reports_dismissed",
        listing,
        summary=f"Reports dismissed: {listing.title}",
        organisation_id=listing.organisation_id,
    )
