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

from sqlalchemy import Connection, Table, delete, event, func, inspect, literal, select
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


# Ambition ids, or None for every Ambition.
Ambitions = list[int] | None


def _ids(ambition_ids: Iterable[int] | None) -> Ambitions:
    return None if ambition_ids is None else sorted(set(ambition_ids))


def figure_queries(listed: Ambitions, delivered: Ambitions, *, every: bool) -> list[Any]:
    """SELECTs of `ExchangeImpactFigure` rows, by the unfiltered page's own queries: the open
    listings of the `listed` Ambitions, the delivered exchanges of the `delivered` ones (None:
    every Ambition; []: none), and when `every` the delivered totals over every exchange."""
    parts = []
    if listed is None or listed:
        counts = open_listing_counts(listed).subquery("listed")
        parts.append(
            select(
                counts.c.ambition_id,
                counts.c.side,
                literal(""),
                literal(""),
                counts.c["count"],
                literal(0),
            )
        )
    if delivered is None or delivered:
        by_ambition = delivered_by_ambition(delivered).order_by(None).subquery("delivered")
        parts.append(
            select(
                by_ambition.c.ambition_id,
                literal(FIGURE_DELIVERED),
                by_ambition.c.resource_type,
                by_ambition.c.unit,
                by_ambition.c["count"],
                func.coalesce(by_ambition.c.quantity, 0),
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


def _refresh(
    connection: Connection, listed: Ambitions, delivered: Ambitions, *, every: bool
) -> None:
    table = ExchangeImpactFigure.__table__
    assert isinstance(table, Table)
    of_ambitions = table.c.ambition_id != EVERY_AMBITION
    is_delivered = table.c.figure == FIGURE_DELIVERED
    for ids, which in ((listed, ~is_delivered), (delivered, is_delivered)):
        if ids is None:
            connection.execute(delete(table).where(of_ambitions, which))
        elif ids:
            connection.execute(delete(table).where(table.c.ambition_id.in_(ids), which))
    if every:
        connection.execute(delete(table).where(table.c.ambition_id == EVERY_AMBITION))
    for part in figure_queries(listed, delivered, every=every):
        connection.execute(table.insert().from_select(COLUMNS, part))


def refresh_impact(
    ambition_ids: Iterable[int] | None = None,
    *,
    every: bool = True,
    connection: Connection | None = None,
) -> None:
    """Recompute the stored figures of these Ambitions (of every Ambition when None) and, when
    `every`, those over every exchange, in the current transaction."""
    ids = _ids(ambition_ids)
    _refresh(connection or db.session.connection(), ids, ids, every=every)


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
    memory: dict[int, set[int]] = {}
    everything = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Listing):
            if obj in session.deleted:
                everything = True
            elif obj in session.new or _changed(obj, (*LISTING_ATTRIBUTES, "ambitions")):
                listing_ids.add(obj.id)
                memory[obj.id] = _ambitions_in_memory(obj)
                ambition_ids |= memory[obj.id]
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
    delivered = matches.c.status == MATCH_DELIVERED

    def tagged(listings: Any) -> set[int]:
        found = select(tags.c.ambition_id).where(tags.c.listing_id.in_(listings)).distinct()
        return set(connection.scalars(found))

    def delivered_as(side: Any) -> set[int]:
        if not listing_ids:
            return set()
        found = select(side).where(side.in_(listing_ids), delivered).distinct()
        return set(connection.scalars(found))

    # A changed listing moves its Ambitions' open counts (before and after a retagging). The
    # delivered figures only move when it took part in a delivery: as a request, its own
    # Ambitions'; as an offer, those of the requests it was delivered to.
    listed = ambition_ids | (tagged(listing_ids) if listing_ids else set())
    as_request = delivered_as(matches.c.request_id)
    as_offer = delivered_as(matches.c.offer_id)
    every = bool(request_ids or as_request or as_offer)
    delivered_ambitions: set[int] = set()
    if every:
        delivered_ambitions = {a for i in as_request for a in memory[i]}
        delivered_ambitions |= tagged(request_ids | as_request)
        if as_offer:
            given_to = select(matches.c.request_id).where(
                matches.c.offer_id.in_(as_offer), delivered
            )
            delivered_ambitions |= tagged(given_to)
    _refresh(connection, sorted(listed), sorted(delivered_ambitions), every=every)


def install_listeners() -> None:
    """Listen on every session (idempotent: the app factory may run many times)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
