"""The read API pages use: figures of the current snapshot only, one indexed query each.

Every call costs one or two small queries on `insight_figures`, whatever the size of the data
behind the figures. A breakdown column not named in `by` and not filtered on is read as its
total (the NULL row), so `figures("activities.count", by=("ward_code",))` is one row per ward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from .models import BUILDING, CURRENT, FAILED, InsightFigure, InsightSnapshot, InsightState

BREAKDOWNS = ("ward_code", "decile", "goal_id", "org_kind", "network_id", "dimension")
BY_COLUMNS = (*BREAKDOWNS, "period")


@dataclass(frozen=True)
class SnapshotStatus:
    computed_at: datetime | None  # when the current figures were computed; None: never
    pending: bool  # data changed since, or a run is under way
    failed: bool  # the latest run failed (the figures shown are the previous ones)
    error: str = ""


@dataclass(frozen=True)
class FigureRow:
    key: dict[str, Any]
    value: Decimal
    org_count: int


def status() -> SnapshotStatus:
    current = db.session.execute(
        select(InsightSnapshot.computed_at, InsightSnapshot.id).where(
            InsightSnapshot.status == CURRENT
        )
    ).first()
    latest = db.session.execute(
        select(InsightSnapshot.id, InsightSnapshot.status, InsightSnapshot.error)
        .where(InsightSnapshot.status.in_((BUILDING, FAILED)))
        .order_by(InsightSnapshot.id.desc())
        .limit(1)
    ).first()
    dirty = db.session.scalar(select(InsightState.dirty).where(InsightState.id == 1))
    # A failure older than the current snapshot was made good by a later run.
    newer = latest is not None and (current is None or latest.id > current.id)
    failed = bool(newer and latest and latest.status == FAILED)
    return SnapshotStatus(
        computed_at=current.computed_at if current else None,
        pending=bool(dirty) or bool(latest and latest.status == BUILDING),
        failed=failed,
        error=latest.error if failed and latest else "",
    )


def _current_id() -> Any:
    # One row at most even if two runs ever both committed a current snapshot.
    return (
        select(InsightSnapshot.id)
        .where(InsightSnapshot.status == CURRENT)
        .order_by(InsightSnapshot.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def figures(
    measure: str,
    *,
    by: tuple[str, ...] | list[str] = (),
    period: str | None = "all",
    ambition: str | None = None,
    ward: str | None = None,
    decile: int | None = None,
    org_kind: str | None = None,
    network_id: int | None = None,
    goal_id: int | None = None,
    dimension: str | None = None,
) -> list[FigureRow]:
    """One row per combination of the `by` columns, filtered to the rest (None: the total)."""
    unknown = set(by) - set(BY_COLUMNS)
    if unknown:
        raise ValueError(f"Cannot break down by {', '.join(sorted(unknown))}")
    filters = {
        "ward_code": ward,
        "decile": decile,
        "goal_id": goal_id,
        "org_kind": org_kind,
        "network_id": network_id,
        "dimension": dimension,
    }
    f = InsightFigure
    # Columns, not entities: a dashboard makes dozens of these reads per request, and
    # building ORM objects for each row cost more than the indexed query itself.
    keys = [getattr(f, name) for name in by]
    query = select(f.value, f.org_count, *keys).where(
        f.snapshot_id == _current_id(),
        f.measure == measure,
        f.ambition.is_(None) if ambition is None else f.ambition == ambition,
    )
    if "period" in by:
        query = query.where(f.period != "all")
    else:
        query = query.where(f.period == (period or "all"))
    for name, wanted in filters.items():
        column = getattr(f, name)
        if name in by:
            query = query.where(column.is_not(None))
            if wanted is not None:
                query = query.where(column == wanted)
        elif wanted is None:
            query = query.where(column.is_(None))
        else:
            query = query.where(column == wanted)
    rows = db.session.execute(query.order_by(*keys, f.id)).all()
    return [
        FigureRow(
            key=dict(zip(by, row[2:], strict=True)),
            value=Decimal(row[0]),
            org_count=row[1],
        )
        for row in rows
    ]


def total(measure: str, **filters: Any) -> FigureRow | None:
    """The single figure for these filters, or None when nothing was counted."""
    rows = figures(measure, by=(), **filters)
    return rows[0] if rows else None


def periods() -> list[str]:
    """The periods the current snapshot has, "all" first, then years and quarters in order.

    A recursive skip along `ix_insight_figures_snapshot_period` (one index probe per period)
    instead of a DISTINCT over every figure of the snapshot."""
    # The snapshot id as a value, so the planner probes the index on (snapshot_id, period).
    snapshot_id = db.session.scalar(select(_current_id()))
    f = InsightFigure.__table__.c
    walk = (
        select(func.min(f.period).label("period"))
        .where(f.snapshot_id == snapshot_id)
        .cte("periods", recursive=True)
    )
    following = (
        select(func.min(f.period))
        .where(f.snapshot_id == snapshot_id, f.period > walk.c.period)
        .scalar_subquery()
    )
    walk = walk.union_all(select(following).where(walk.c.period.is_not(None)))
    found = db.session.scalars(select(walk.c.period).where(walk.c.period.is_not(None))).all()
    return sorted(found, key=lambda p: (p != "all", p))
