"""Periodic mail work: the sweep that re-enqueues deliveries lost with Redis or a worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..core.models import utcnow
from ..extensions import db
from ..jobs import enqueue
from .delivery import deliver_email
from .models import OutboundEmail


def resend_unsent_emails() -> int:
    """Re-enqueue delivery for emails still unsent after five minutes."""
    cutoff = utcnow() - timedelta(minutes=5)
    ids = list(
        db.session.scalars(
            select(OutboundEmail.id).where(
                OutboundEmail.sent_at.is_(None),
                OutboundEmail.created_at < cutoff,
                OutboundEmail.attempts < 10,
            )
        )
    )
    for email_id in ids:
        enqueue(deliver_email, email_id)
    return len(ids)
