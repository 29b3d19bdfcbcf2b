"""Who hears about exchange activity, and the emails they are sent (delivered by job)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..extensions import db
from ..mail.services import email_link, send_email
from .models import ExchangeMatch

__all__ = ["email_link", "notify", "organisation_contact", "organisation_contacts"]


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


def notify(organisation_id: int, subject: str, template: str, **context: object) -> None:
    match = context.get("match")
    if isinstance(match, ExchangeMatch):
        context.setdefault("link", email_link("exchange.match", match_id=match.id))
    for address in organisation_contacts(organisation_id):
        send_email(address, subject, template, **context)
