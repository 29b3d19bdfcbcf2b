"""Choices per kind, `notify` (what other features call instead of `send_email`), and the
weekly digest. Services add and flush; the caller commits.

How a feature sends an email of one of the kinds in `kinds.py`:

    from ..notifications.kinds import GROUP_UPDATES
    from ..notifications.services import notify

    notify(user, GROUP_UPDATES, "New post in Food Network", "groups/emails/post.txt",
           group=group, post=post, link=email_link("groups.detail", group_id=group.id))

The person's choice decides: sent now (with the link to change the choice added at the end),
kept for the weekly digest, or dropped. The template is rendered either way, now, so a digest
says what the email would have said.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import delete, select

from ..accounts.models import User
from ..core.models import utcnow
from ..extensions import db
from ..mail.models import OutboundEmail
from ..mail.services import email_link, send_email
from .digest import digest_subject, digest_text, sections_of
from .kinds import CHOICES, DEFAULT_CHOICE, DIGEST, IMMEDIATE, KIND_CODES, NONE, kind_of
from .models import DigestItem, NotificationPreference
from .tokens import make_choice_token

IMMEDIATE_TEMPLATE = "notifications/emails/immediate.txt"
DIGEST_TEMPLATE = "notifications/emails/digest.txt"


def choices_for(user_id: int) -> dict[str, str]:
    """Every kind's choice for this person (the default where they made none), in one query."""
    stored = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.choice).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {code: stored.get(code, DEFAULT_CHOICE) for code in KIND_CODES}


def choice_for(user_id: int, kind: str) -> str:
    stored = db.session.scalar(
        select(NotificationPreference.choice).where(
            NotificationPreference.user_id == user_id,
            NotificationPreference.kind == kind_of(kind).code,
        )
    )
    return stored or DEFAULT_CHOICE


def set_choice(user_id: int, kind: str, choice: str) -> bool:
    """Record a choice; returns whether it changed. The default is kept as no row.

    Choosing "none" also drops that kind's items waiting for the digest: the person asked
    not to hear about them."""
    code = kind_of(kind).code
    if choice not in CHOICES:
        raise ValueError(f"No notification choice {choice!r}")
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == code
        )
    )
    before = row.choice if row else DEFAULT_CHOICE
    if choice == DEFAULT_CHOICE:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(NotificationPreference(user_id=user_id, kind=code, choice=choice))
    else:
        row.choice = choice
    if choice == NONE:
        db.session.execute(
            delete(DigestItem).where(
                DigestItem.user_id == user_id,
                DigestItem.kind == code,
                DigestItem.sent_at.is_(None),
            )
        )
    db.session.flush()
    return before != choice


def choice_link(user_id: int, kind: str) -> str:
    """The signed one-click address that changes this person's choice for this kind."""
    return email_link("notifications.choose", token=make_choice_token(user_id, kind))


def notify(
    user: User, kind: str, subject: str, template: str, /, **context: Any
) -> OutboundEmail | DigestItem | None:
    """Email `user` about `kind` as they chose: the queued email, the digest item kept, or None.

    `context` goes to the template as for `send_email` (`reply_to=` too, for an immediate
    email). Nothing goes to a deactivated account."""
    kind_code = kind_of(kind).code
    if not user.is_active_account:
        return None
    choice = choice_for(user.id, kind_code)
    if choice == NONE:
        return None
    if choice == DIGEST:
        context.pop("reply_to", None)
        item = DigestItem(
            user_id=user.id,
            kind=kind_code,
            subject=subject[:200],
            body=render_template(template, **context),
        )
        db.session.add(item)
        db.session.flush()
        return item
    assert choice == IMMEDIATE
    return send_email(
        user.email,
        subject,
        IMMEDIATE_TEMPLATE,
        notification_template=template,
        notification_kind=kind_of(kind_code),
        notification_choice_url=choice_link(user.id, kind_code),
        notification_settings_url=email_link("notifications.settings"),
        **context,
    )


def pending_items(user_id: int) -> list[DigestItem]:
    return list(
        db.session.scalars(
            select(DigestItem)
            .where(DigestItem.user_id == user_id, DigestItem.sent_at.is_(None))
            .order_by(DigestItem.created_at, DigestItem.id)
        )
    )


def users_with_pending_items() -> list[int]:
    """Active people with something waiting for their digest."""
    return list(
        db.session.scalars(
            select(DigestItem.user_id)
            .join(User, User.id == DigestItem.user_id)
            .where(DigestItem.sent_at.is_(None), User.is_active_account.is_(True))
            .distinct()
            .order_by(DigestItem.user_id)
        )
    )


def send_digest(user_id: int, now: datetime | None = None) -> OutboundEmail | None:
    """Queue one digest email of the person's pending items and mark them sent, in the caller's
    transaction. The items are locked first (PostgreSQL), so a second run at the same time
    waits, then finds nothing pending: never two digests of the same items."""
    now = now or utcnow()
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account:
        return None
    items = list(
        db.session.scalars(
            select(DigestItem)
            .where(DigestItem.user_id == user_id, DigestItem.sent_at.is_(None))
            .order_by(DigestItem.created_at, DigestItem.id)
            .with_for_update()
        )
    )
    if not items:
        return None
    sections = sections_of(items)
    email = send_email(
        user.email,
        digest_subject(len(items)),
        DIGEST_TEMPLATE,
        user=user,
        sections=sections,
        entry_text=digest_text,
        choice_urls={
            section.kind.code: choice_link(user.id, section.kind.code) for section in sections
        },
        settings_url=email_link("notifications.settings"),
    )
    for item in items:
        item.sent_at = now
        item.digest_email_id = email.id
    db.session.flush()
    return email
