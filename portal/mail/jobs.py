"""Periodic mail work: the sweep that re-enqueues deliveries lost with Redis or a worker."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..core.models import utcnow
from ..extensions import db
from ..jobs import QueueUnavailable, enqueue, in_flight
from .delivery import STALE_CLAIM, deliver_email
from .models import OutboundEmail

log = logging.getLogger(__name__)
# A new email's job is queued as its transaction commits; one still unsent after this long and
# with no delivery job in RQ lost that job (Redis restarted empty, say).
RESEND_GRACE = timedelta(seconds=5)
# After a failed attempt, the n-th resend waits until the email is RESEND_BACKOFF * 2**(n-1) old.
RESEND_BACKOFF = timedelta(seconds=30)
MAX_ATTEMPTS = 10  # then it stays unsent, with its last error, for an admin to look at
SWEEP_BATCH = 500


def resend_delay(attempts: int) -> timedelta:
    """How old an unsent email must be before the sweep queues it again."""
    if attempts <= 0:
        return RESEND_GRACE
    return RESEND_BACKOFF * 2 ** (attempts - 1)


def resend_unsent_emails(now: datetime | None = None) -> int:
    """Re-enqueue delivery of unsent emails whose delivery job is gone from RQ or ended without
    sending; returns how many.

    Never one whose job is still queued, scheduled or running (RQ will get to it), nor one an
    attempt is sending now (a fresh claim). One with a stale claim goes to `deliver_email`, which
    marks it possibly sent rather than sending it again. While Redis does not answer nothing is
    queued: the next sweep sees what Redis kept."""
    now = now or utcnow()
    rows = db.session.execute(
        select(OutboundEmail.id, OutboundEmail.attempts, OutboundEmail.created_at)
        .where(
            OutboundEmail.sent_at.is_(None),
            OutboundEmail.possibly_sent_at.is_(None),
            OutboundEmail.created_at < now - RESEND_GRACE,
            OutboundEmail.attempts < MAX_ATTEMPTS,
            or_(
                OutboundEmail.claimed_at.is_(None),
                OutboundEmail.claimed_at < now - STALE_CLAIM,
            ),
        )
        .order_by(OutboundEmail.id)
        .limit(SWEEP_BATCH)
    ).all()
    due = [row.id for row in rows if row.created_at <= now - resend_delay(row.attempts)]
    if not due:
        return 0
    try:
        queued = in_flight(deliver_email, [(email_id,) for email_id in due])
    except QueueUnavailable:
        log.info("Redis unreachable: %d unsent emails wait for the next sweep", len(due))
        return 0
    lost = [email_id for email_id, waiting in zip(due, queued, strict=True) if not waiting]
    for email_id in lost:
        enqueue(deliver_email, email_id)
    if lost:
        log.info("Re-enqueued delivery of %d unsent emails whose job was gone", len(lost))
    return len(lost)
