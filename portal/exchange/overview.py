"""An organisation's own exchange: what is waiting for it, for the other side, and its history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CompoundSelect, Select, case, func, select, union_all

from ..extensions import db
from .loading import match_rows
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


def organisation_match_ids(organisation_id: int) -> CompoundSelect:
    """Ids of the matches `organisation_id` is a party to, on either side.

    Two indexed lookups (its listings, then matches by offer and by request) joined with UNION
    ALL: "offer organisation OR request organisation" across two joins made PostgreSQL join every
    match to both its listings before filtering. An organisation never matches its own listing,
    so the two halves do not overlap (and `IN` would absorb a duplicate anyway).
    """
    own = select(Listing.id).where(Listing.organisation_id == organisation_id)
    return union_all(
        select(ExchangeMatch.id).where(ExchangeMatch.offer_id.in_(own)),
        select(ExchangeMatch.id).where(ExchangeMatch.request_id.in_(own)),
    )


def _organisation_matches(organisation_id: int) -> Select:
    return (
        select(ExchangeMatch)
        .where(ExchangeMatch.id.in_(organisation_match_ids(organisation_id)))
        .options(*match_rows())
        .order_by(ExchangeMatch.updated_at.desc(), ExchangeMatch.id.desc())
    )


@dataclass
class WaitingCounts:
    waiting_for_us: int
    to_deliver: int


def waiting_counts(organisation_id: int) -> WaitingCounts:
    """How many matches wait for this organisation's answer and how many it agreed to deliver,
    for its home page: one aggregate query, no matches loaded."""
    ours = ExchangeMatch.id.in_(organisation_match_ids(organisation_id))
    row = db.session.execute(
        select(
            func.coalesce(
                func.sum(
                    case(
                        (
                            (ExchangeMatch.status == MATCH_INTERESTED)
                            # The side that did not express interest answers.
                            & (ExchangeMatch.initiated_by_organisation_id != organisation_id),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(func.sum(case((ExchangeMatch.status == MATCH_ACCEPTED, 1), else_=0)), 0),
        ).where(ours, ExchangeMatch.status.in_(MATCH_ACTIVE_STATUSES))
    ).one()
    return WaitingCounts(waiting_for_us=int(row[0]), to_deliver=int(row[1]))


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
