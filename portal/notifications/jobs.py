"""The weekly digest, run by the scheduler: one email per person, one commit per person."""

from __future__ import annotations

import logging
from datetime import datetime

from ..core.models import utcnow
from ..extensions import db
from . import services

log = logging.getLogger(__name__)


def send_weekly_digests(now: datetime | None = None) -> int:
    """Email everyone with pending digest items one digest; returns how many were queued.

    Items are marked sent in the transaction that queues their email, so a rerun (or a run
    after a crash) sends each item once."""
    now = now or utcnow()
    sent = 0
    for user_id in services.users_with_pending_items():
        if services.send_digest(user_id, now) is not None:
            sent += 1
        db.session.commit()
    log.info("Queued %d weekly digest emails", sent)
    return sent
