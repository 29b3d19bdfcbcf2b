"""Background work for the exchange. Each job takes ids or plain values and owns its commit.

Re-ranking one listing after it changes is `suggestions.rerank_listing`, enqueued by the services
themselves (the job runner commits after it); the jobs here are the scheduled ones.
"""

from __future__ import annotations

import logging

from ..core.models import utcnow
from ..extensions import db
from . import listings, matches, suggestions

log = logging.getLogger(__name__)


def recompute_all_suggestions() -> None:
    """Nightly safety net: re-rank every open listing (catches jobs lost with Redis)."""
    count = suggestions.recompute_all_suggestions()
    db.session.commit()
    log.info("Recomputed %s exchange suggestions", count)


def expire_stale_listings() -> None:
    """Close listings past their expiry date and tell their owners."""
    expired = listings.expire_stale_listings(utcnow().date())
    db.session.commit()
    log.info("Expired %s exchange listings", len(expired))


def lapse_overdue_interests() -> None:
    """Lapse interests not answered within five working days and tell the side that asked."""
    lapsed = matches.lapse_overdue_interests(utcnow())
    db.session.commit()
    log.info("Lapsed %s unanswered exchange interests", len(lapsed))
