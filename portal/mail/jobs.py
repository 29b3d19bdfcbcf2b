"""Periodic mail work: the sweep that re-enqueues deliveries lost with Redis or a worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from ..core.models import utcnow
from ..extensions import db
from ..jobs import enqueue
from .delivery import STALE_CLAIM, deliver_email
from .models import OutboundEmail

# Emails older than this and still unsent lost their job (or it is still in a long queue:
# a second delivery job for the same email then does nothing).
UNSENT_AFTER = timedelta(minutes=1)


def resend_unsent_emails() -> int:
    """Re-enqueue delivery for emails still unsent after a minute, but not one an attempt is
    sending now (a fresh claim); one with a stale claim goes to `deliver_email`, which marks it
    possibly sent rather than sending it again."""
    now = utcnow()
    ids = list(
        db.session.scalars(
            select(OutboundEmail.id).where(
                OutboundEmail.sent_at.is_(None),
                OutboundEmail.possibly_sent_at.is_(None),
                OutboundEmail.created_at < now - UNSENT_AFTER,
                OutboundEmail.attempts < 10,
                or_(
                    OutboundEmail.claimed_at.is_(None),
                    OutboundEmail.claimed_at < now - STALE_CLAIM,
                ),
            )
        )
    )
    for email_id in ids:
        enqueue(deliver_email, email_id)
    return len(ids)
