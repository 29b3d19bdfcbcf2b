"""The impact page's stored figures (`ExchangeImpactFigure`): recomputed from the listings and
matches by the queries of `impact.py`, in the flush that changes them.

A session listener notices listings, delivered (or formerly delivered) matches and organisations
being added, changed or deleted, whichever service (or test, or demo seeder) did it, and
recomputes the rows of the Ambitions concerned on the flush's own connection: the figures commit
or roll back with the change. Work that bypasses the session (a bulk UPDATE, raw SQL) must call
`refresh_impact` itself; `flask exchange refresh-impact` recomputes everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, delete, event, exists, func, inspect, literal, or_, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..orgs.models import Organisation
from .impact import delivered_by_ambition, delivered_totals_statement, open_listing_counts
from .models import (
    EVERY_AMBITION,
    FIGURE_DELIVERED,
    MATCH_DELIVERED,
    ExchangeImpactFigure,
    ExchangeMatch,
    Listing,
    exchange_listing_ambitions,
)

COLUMNS = ["ambition_id", "figure", "resource_type", "unit", "count", "quantity"]

# The listing's columns the figures read: whether it is listed, whose it is, its side and type.
LISTING_ATTRIBUTES = ("status", "hidden_at", "organisation_id", "side", "resource_type")
# The match's columns the figures read once it is delivered.
MATCH_ATTRIBUTES = (
    "status",
    "delivered_quantity",
    "delivered_unit",
    "delivered_resource_type",
    "delivered_at",
)


def figure_queries(ambition_ids: Iterable[int] | None, *, every: bool) -> list[Any]:
    """SELECTs of every `ExchangeImpactFigure` row of these Ambitions (every Ambition's when
    None), and of every exchange (`EVERY_AMBITION`) when `every`: the unfiltered page's own
    queries, as rows."""
    ids = None if ambition_ids is None else sorted(set(ambition_ids))
    parts = []
    if ids is None or ids:
        listed = open_listing_counts(ids).subquery("listed")
        parts.append(
            select(
                listed.c.ambition_id,
                listed.c.side,
                literal(""),
                literal(""),
                listed.c.count,
                literal(0),
            )
        )
        delivered = delivered_by_ambition(ids).order_by(None).subquery("delivered")
        parts.append(
            select(
                delivered.c.ambition_id,
                literal(FIGURE_DELIVERED),
                delivered.c.resource_type,
                delivered.c.unit,
                delivered.c["count"],
                func.coalesce(delivered.c.quantity, 0),
            )
        )
    if every:
        overall = delivered_totals_statement().order_by(None).subquery("overall")
        parts.append(
            select(
                literal(EVERY_AMBITION),
                literal(FIGURE_DELIVERED),
                overall.c.resource_type,
                overall.c.unit,
                overall.c["count"],
                func.coalesce(overall.c.quantity, 0),
            )
        )
    return parts


def refresh_impact(
    ambition_ids: Iterable[int] | None = None,
    *,
    every: bool = True,
    connection: Connection | None = None,
) -> None:
    """Recompute the stored figures of these Ambitions (of every Ambition when None) and, when
    `every`, those over every exchange, in the current transaction."""
    connection = connection or db.session.connection()
    table = ExchangeImpactFigure.__table__
    assert isinstance(table, Table)
    ids = None if ambition_ids is None else sorted(set(ambition_ids))
    if ids is None:
        connection.execute(delete(table).where(table.c.ambition_id != EVERY_AMBITION))
    elif ids:
        connection.execute(delete(table).where(table.c.ambition_id.in_(ids)))
    if every:
        connection.execute(delete(table).where(table.c.ambition_id == EVERY_AMBITION))
    for part in figure_queries(ids, every=every):
        connection.execute(table.insert().from_select(COLUMNS, part))


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _ambitions_in_memory(listing: Listing) -> set[int]:
    """The Ambitions the listing was or is tagged with, as the session holds them (the DB after
    the flush no longer has a removed tag)."""
    history = inspect(listing).attrs.ambitions.history
    return {
        ambition.id
        for ambition in (*history.added, *history.unchanged, *history.deleted)
        if ambition.id is not None
    }


def _was_delivered(match: ExchangeMatch) -> bool:
    history = inspect(match).attrs.status.history
    return match.status == MATCH_DELIVERED or MATCH_DELIVERED in (history.deleted or ())


def _after_flush(session: Session, flush_context: Any) -> None:
    listing_ids: set[int] = set()
    request_ids: set[int] = set()
    ambition_ids: set[int] = set()
    everything = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Listing):
            if obj in session.deleted:
                everything = True
            elif obj in session.new or _changed(obj, (*LISTING_ATTRIBUTES, "ambitions")):
                listing_ids.add(obj.id)
                ambition_ids |= _ambitions_in_memory(obj)
        elif isinstance(obj, ExchangeMatch):
            if obj in session.deleted:
                everything = everything or _was_delivered(obj)
            elif _was_delivered(obj) and (obj in session.new or _changed(obj, MATCH_ATTRIBUTES)):
                request_ids.add(obj.request_id)
        elif isinstance(obj, Organisation) and obj not in session.new:
            # Suspending or reinstating an organisation moves every figure it is part of.
            everything = everything or obj in session.deleted or _changed(obj, ("status",))
    if not (listing_ids or request_ids or everything):
        return
    connection = session.connection()
    if everything:
        refresh_impact(connection=connection)
        return
    tags = exchange_listing_ambitions
    matches = ExchangeMatch.__table__
    # A changed listing moves its own Ambitions' open counts and, when it was delivered as an
    # offer, the figures of the requests it was delivered to.
    given_to = select(matches.c.request_id).where(
        matches.c.offer_id.in_(listing_ids), matches.c.status == MATCH_DELIVERED
    )
    ambition_ids.update(
        connection.scalars(
            select(tags.c.ambition_id)
            .where(
                or_(
                    tags.c.listing_id.in_(listing_ids | request_ids),
                    tags.c.listing_id.in_(given_to),
                )
            )
            .distinct()
        )
    )
    every = bool(request_ids) or bool(
        listing_ids
        and connection.scalar(
            select(
                exists().where(
                    or_(
                        matches.c.offer_id.in_(listing_ids),
                        matches.c.request_id.in_(listing_ids),
                    ),
                    matches.c.status == MATCH_DELIVERED,
                )
            )
        )
    )
    refresh_impact(ambition_ids, every=every, connection=connection)


def install_listeners() -> None:
    """Listen on every session (idempotent: the app factory may run many times)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
