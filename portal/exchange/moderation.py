"""Platform admins' moderation: reports from users, hiding and restoring listings."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..core import audit
from ..core.models import utcnow
from ..extensions import db
from .models import (
    Listing,
    ListingReport,
)
from .suggestions import rerank_after_commit


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
    rerank_after_commit(listing.id)
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
    rerank_after_commit(listing.id)
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
