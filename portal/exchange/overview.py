"""An organisation's own exchange: what is waiting for it, for the other side, and its history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import (
    MATCH_ACCEPTED,
    MATCH_ACTIVE_STATUSES,
    MATCH_INTERESTED,
    ExchangeMatch,
    Listing,
)

HISTORY_LIMIT = 20


@dataclass
class MyExchange:
    waiting_for_us: list[ExchangeMatch]
    waiting_for_them: list[ExchangeMatch]
    to_deliver: list[ExchangeMatch]
    history: list[ExchangeMatch]


def _organisation_matches(organisation_id: int) -> Select:
    offer = aliased(Listing)
    request = aliased(Listing)
    return (
        select(ExchangeMatch)
        .join(offer, ExchangeMatch.offer_id == offer.id)
        .join(request, ExchangeMatch.request_id == request.id)
        .where(
            or_(
                offer.organisation_id == organisation_id,
                request.organisation_id == organisation_id,
            )
        )
        .order_by(ExchangeMatch.updated_at.desc(), ExchangeMatch.id.desc())
    )


def my_exchange(organisation_id: int) -> MyExchange:
    """An organisation's open matches, sorted by what needs doing, and its recent history."""
    base = _organisation_matches(organisation_id)
    active = list(
        db.session.scalars(base.where(ExchangeMatch.status.in_(MATCH_ACTIVE_STATUSES))).unique()
    )
    history = list(
        db.session.scalars(
            base.where(ExchangeMatch.status.not_in(MATCH_ACTIVE_STATUSES)).limit(HISTORY_LIMIT)
        ).unique()
    )
    waiting = [m for m in active if m.status == MATCH_INTERESTED]
    return MyExchange(
        waiting_for_us=[m for m in waiting if m.responder_organisation_id == organisation_id],
        waiting_for_them=[m for m in waiting if m.responder_organisation_id != organisation_id],
        to_deliver=[m for m in active if m.status == MATCH_ACCEPTED],
        history=history,
    )
