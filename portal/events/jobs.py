"""The day-before reminder, run by the scheduler: idempotent, one commit per event."""

from __future__ import annotations

import logging
from datetime import datetime

from ..core.models import utcnow
from ..extensions import db
from ..mail.services import email_link
from ..notifications.kinds import EVENT_REMINDERS
from ..notifications.services import notify
from . import services

log = logging.getLogger(__name__)


def send_event_reminders(now: datetime | None = None) -> int:
    """Email everyone with a confirmed place at an event starting within a day. An event is
    marked with the start time it was reminded for, so a rerun sends nothing twice and a
    moved event is reminded again."""
    now = now or utcnow()
    sent = 0
    for event in services.due_reminders(now):
        event_url = email_link("events.detail", event_id=event.id)
        for signup in services.confirmed_signups(event):
            notify(
                signup.user,
                EVENT_REMINDERS,
                f"Reminder: {event.title} is tomorrow",
                "events/emails/reminder.txt",
                user=signup.user,
                event=event,
                event_url=event_url,
                cancel_url=services.cancel_link(signup),
            )
            sent += 1
        event.reminder_sent_for = event.starts_at
        db.session.commit()
    log.info("Sent %d event reminders", sent)
    return sent
