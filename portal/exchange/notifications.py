"""Who hears about exchange activity, and the emails they are sent (delivered by job)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..extensions import db
from ..mail.services import send_email
from .models import (
    ExchangeMatch,
)


def organisation_contacts(organisation_id: int) -> list[str]:
    """Who hears about exchange activity: the organisation's admins, else all its members."""
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
            .options(selectinload(Membership.user))
        )
    )
    admins = [m.user.email for m in memberships if m.role == ROLE_ADMIN]
    return sorted(admins or [m.user.email for m in memberships])


def organisation_contact(organisation_id: int) -> User | None:
    """The person to contact at an organisation when a listing has no author: an admin first."""
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
        .order_by(Membership.role != ROLE_ADMIN, Membership.id)
    )


def email_link(endpoint: str, **values: Any) -> str:
    """An absolute link for an email, also from a job (which has no request)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)


def notify(organisation_id: int, subject: str, template: str, **context: object) -> None:
    match = context.get("match")
    if isinstance(match, ExchangeMatch):
        context.setdefault("link", email_link("exchange.match", match_id=match.id))
    for address in organisation_contacts(organisation_id):
        send_email(address, subject, template, **context)
