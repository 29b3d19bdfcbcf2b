"""Who hears about exchange activity, and the emails they are sent (delivered by job)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..extensions import db
from ..mail.services import email_link, send_email
from ..notifications import services as notifications
from .models import ExchangeMatch

__all__ = ["email_link", "notify", "organisation_contact", "organisation_contacts"]


def organisation_contacts(organisation_id: int) -> list[str]:
    """Who hears about exchange activity: the organisation's admins, else all its members."""
    return [user.email for user in _contact_people(organisation_id)]


def _contact_people(organisation_id: int) -> list[User]:
    memberships = list(
        db.session.scalars(
            select(Membership)
            .join(Membership.user)
            .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
            .options(selectinload(Membership.user))
        )
    )
    admins = [m.user for m in memberships if m.role == ROLE_ADMIN]
    return sorted(admins or [m.user for m in memberships], key=lambda user: user.email)


def organisation_contact(organisation_id: int) -> User | None:
    """The person to contact at an organisation when a listing has no author: an admin first."""
    return db.session.scalar(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active_account.is_(True))
        .order_by(Membership.role != ROLE_ADMIN, Membership.id)
    )


def notify(
    organisation_id: int, subject: str, template: str, *, kind: str | None = None, **context: object
) -> None:
    """Email the organisation's contacts; with a `kind`, as each chose for that kind."""
    match = context.get("match")
    if isinstance(match, ExchangeMatch):
        context.setdefault("link", email_link("exchange.match", match_id=match.id))
    for person in _contact_people(organisation_id):
        if kind is None:
            send_email(person.email, subject, template, **context)
        else:
            notifications.notify(person, kind, subject, template, **context)
