"""The private message thread on a match. The caller commits."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..notifications.kinds import EXCHANGE_MESSAGES
from ..orgs.models import Organisation
from .models import (
    MATCH_DECLINED,
    MATCH_LAPSED,
    MATCH_WITHDRAWN,
    ExchangeMatch,
    ExchangeMessage,
)
from .notifications import notify
from .rules import ExchangeError


def post_message(
    match: ExchangeMatch, organisation_id: int, user: User, body: str
) -> ExchangeMessage:
    """Add to the match's private thread and email the other side (delivered by job)."""
    if match.status in (MATCH_DECLINED, MATCH_LAPSED, MATCH_WITHDRAWN):
        raise ExchangeError("This conversation has ended, so you cannot send more messages.")
    message = ExchangeMessage(
        match_id=match.id, organisation_id=organisation_id, author_id=user.id, body=body
    )
    db.session.add(message)
    db.session.flush()
    notify(
        match.other_organisation_id(organisation_id),
        "New message about an exchange",
        "exchange/emails/message.txt",
        kind=EXCHANGE_MESSAGES,
        match=match,
        message=message,
        sender=db.session.get(Organisation, organisation_id),
    )
    return message


def match_messages(match_id: int) -> list[ExchangeMessage]:
    return list(
        db.session.scalars(
            select(ExchangeMessage)
            .where(ExchangeMessage.match_id == match_id)
            .order_by(ExchangeMessage.created_at, ExchangeMessage.id)
        )
    )
