"""Demo data: the first demo person gets event reminders in a weekly digest (with two kept for
it) and no pledge reminders, so the settings page and the digest job have something to show."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import Membership, User
from ..core.models import utcnow
from ..extensions import db
from .kinds import DIGEST, EVENT_REMINDERS, EXCHANGE_MESSAGES, NONE, PLEDGE_REMINDERS
from .models import DigestItem, NotificationPreference

ITEMS = [
    (
        EVENT_REMINDERS,
        "Reminder: Meet the buyer: anchor procurement teams is tomorrow",
        "This is a reminder that Meet the buyer: anchor procurement teams starts tomorrow.",
        3,
    ),
    (
        EXCHANGE_MESSAGES,
        "New message about an exchange",
        'Northgate College sent a message about the exchange "Meeting rooms" / "Space for a '
        'youth club".',
        1,
    ),
]


def seed_demo() -> None:
    if db.session.scalar(select(NotificationPreference.id).limit(1)) is not None:
        return
    person = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id).order_by(User.id).limit(1)
    )
    if person is None:
        return
    db.session.add_all(
        [
            NotificationPreference(user_id=person.id, kind=EVENT_REMINDERS, choice=DIGEST),
            NotificationPreference(user_id=person.id, kind=EXCHANGE_MESSAGES, choice=DIGEST),
            NotificationPreference(user_id=person.id, kind=PLEDGE_REMINDERS, choice=NONE),
        ]
    )
    now = utcnow()
    for kind, subject, body, days_ago in ITEMS:
        db.session.add(
            DigestItem(
                user_id=person.id,
                kind=kind,
                subject=subject,
                body=body,
                created_at=now - timedelta(days=days_ago),
            )
        )
    db.session.flush()
