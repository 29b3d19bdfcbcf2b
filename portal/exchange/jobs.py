"""Background work for the exchange. Each job takes ids or plain values and owns its commit."""

from __future__ import annotations

import logging

from ..core.models import utcnow
from ..extensions import db
from . import services
from .models import Listing

log = logging.getLogger(__name__)


def recompute_suggestions(listing_id: int) -> None:
    """Re-rank the suggestions involving one listing after it was created or changed."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return
    count = services.recompute_suggestions_for(listing)
    db.session.commit()
    log.info("Listing %s has %s suggestions", listing_id, count)


def recompute_all_suggestions() -> None:
    """Nightly safety net: re-rank every open listing (catches jobs lost with Redis)."""
    count = services.recompute_all_suggestions()
    db.session.commit()
    log.info("Recomputed %s exchange suggestions", count)


def expire_stale_listings() -> None:
    """Close listings past their expiry date and tell their owners."""
    expired = services.expire_stale_listings(utcnow().date())
    db.session.commit()
    log.info("Expired %s exchange listings", len(expired))


def lapse_overdue_interests() -> None:
    """Lapse interests not answered within five working days and tell the side that asked."""
    lapsed = services.lapse_overdue_interests(utcnow())
    db.session.commit()
    log.info("Lapsed %s unanswered exchange interests", len(lapsed))
