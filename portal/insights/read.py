"""The read API pages use: figures of the current snapshot only, through the read index.

Every call costs one small query on `insight_figures`, whatever the size of the data behind the
figures; a page that makes many runs them as one (`in_one_query`). A breakdown column not named
in `by` and not filtered on is read as its total (the NULL row), so
`figures("activities.count", by=("ward_code",))` is one row per ward.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all

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


def _current(*columns: Any) -> Select[Any]:
    # One row at most even if two runs ever both committed a current snapshot.
    return (
        select(*columns)
        .where(InsightSnapshot.status == CURRENT)
        .order_by(InsightSnapshot.id.desc())
        .limit(1)
    )


def _current_id() -> Any:
    return _current(InsightSnapshot.id).scalar_subquery()


@dataclass(frozen=True)
class _Read:
    """One `figures` call, as a key: the same call in one page reads the same rows."""

    measure: str
    by: tuple[str, ...]
    period: str | None
    ambition: str | None
    filters: tuple[tuple[str, Any], ...]


class _Batch:
    """The reads a page makes: first collected, then answered by one query."""

    def __init__(self) -> None:
        self.wanted: dict[_Read, None] = {}
        self.found: dict[_Read, list[FigureRow]] | None = None
        self.periods: list[str] | None = None  # read once for both runs


_batch: ContextVar[_Batch | None] = ContextVar("insights_read_batch", default=None)
T = TypeVar("T")
# SQLite allows 500 terms in a compound SELECT; pages make a few dozen reads.
BATCH_SIZE = 100


def in_one_query(build: Callable[[], T], key: Hashable | None = None) -> T:
    """Run `build` (which makes many `figures` reads) with all its reads in one query.

    `build` runs twice: once to learn which figures it reads (each read answers nothing),
    then, after one UNION ALL query has read them all, to build its result from them. A read
    the first run did not make (one that depended on an earlier answer) is made on its own,
    so the result is always what `build` alone would give. A dashboard made 48 queries.

    With a `key` (the page and its filters) the reads the first run found are remembered, and
    the next call with that key skips the first run."""
    batch = _Batch()
    token = _batch.set(batch)
    try:
        wanted = _kept.reads_of.get(key) if key is not None else None
        if wanted is None:
            build()
            wanted = list(batch.wanted)
            if key is not None:
                _kept.remember_reads(key, wanted)
        batch.found = _kept.answers(wanted)
        return build()
    finally:
        _batch.reset(token)


class _KeptReads:
    """Answers to reads of one version of the figures, kept by the process between requests.

    A version is the current snapshot's id and the time it was computed: a full refresh makes a
    new snapshot, and an incremental one sets a new `computed_at` in the transaction that changes
    the figures, so an answer kept under a version stays right while that version is current.
    One small query finds the version; the dashboard's read of every figure it shows (21 ms at
    city scale) and of the periods it offers run once per version and filter, not on every
    view."""

    # Enough for every page and filter convenors use in a day; past it, start again.
    MOST = 5_000

    def __init__(self) -> None:
        self.version: tuple[int, datetime | None] | None = None
        self.found: dict[_Read, list[FigureRow]] = {}
        self.kept_periods: list[str] | None = None
        self.reads_of: dict[Hashable, list[_Read]] = {}

    def answers(self, reads: list[_Read]) -> dict[_Read, list[FigureRow]]:
        if not self._up_to_date():
            return _read_many(reads)
        found = self.found
        missing = [read for read in reads if read not in found]
        if missing:
            found.update(_read_many(missing))
        return {read: found[read] for read in reads}

    def remember_reads(self, key: Hashable, reads: list[_Read]) -> None:
        """The reads a page with these filters makes. Kept whatever the version: the reads do not
        depend on the figures, and a read the list lacks is still made (`in_one_query`)."""
        if len(self.reads_of) > self.MOST:
            self.reads_of = {}
        self.reads_of[key] = reads

    def periods(self) -> list[str]:
        if not self._up_to_date():
            return _periods()
        if self.kept_periods is None:
            self.kept_periods = _periods()
        return self.kept_periods

    def _up_to_date(self) -> bool:
        """Start again if the figures have changed since they were kept; False when there is
        no current snapshot (nothing to keep)."""
        current = db.session.execute(
            _current(InsightSnapshot.id, InsightSnapshot.computed_at)
        ).first()
        if current is None:
            return False
        version = (current.id, current.computed_at)
        if version != self.version or len(self.found) > self.MOST:
            self.version, self.found, self.kept_periods = version, {}, None
        return True

    def forget(self) -> None:
        self.version, self.found, self.kept_periods, self.reads_of = None, {}, None, {}


_kept = _KeptReads()
forget_kept_reads = _kept.forget


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
    wanted = _Read(
        measure,
        tuple(by),
        period,
        ambition,
        (
            ("ward_code", ward),
            ("decile", decile),
            ("goal_id", goal_id),
            ("org_kind", org_kind),
            ("network_id", network_id),
            ("dimension", dimension),
        ),
    )
    batch = _batch.get()
    if batch is not None:
        if batch.found is None:
            batch.wanted.setdefault(wanted)
            return []
        if wanted in batch.found:
            return batch.found[wanted]
    return _read_many([wanted])[wanted]


def _where(wanted: _Read) -> list[ColumnElement[bool]]:
    f = InsightFigure
    conditions = [
        f.snapshot_id == _current_id(),
        f.measure == wanted.measure,
        f.ambition.is_(None) if wanted.ambition is None else f.ambition == wanted.ambition,
    ]
    if "period" in wanted.by:
        conditions.append(f.period != "all")
    else:
        conditions.append(f.period == (wanted.period or "all"))
    for name, value in wanted.filters:
        column = getattr(f, name)
        if name in wanted.by:
            conditions.append(column.is_not(None))
            if value is not None:
                conditions.append(column == value)
        elif value is None:
            conditions.append(column.is_(None))
        else:
            conditions.append(column == value)
    return conditions


@functools.lru_cache(maxsize=512)
def _statement(chunk: tuple[_Read, ...]) -> Select[Any]:
    """The one query for these reads. A page makes the same reads on every view, so the
    statement is built once (building its hundreds of comparisons cost more than running it)."""
    f = InsightFigure
    parts = [
        select(
            literal(number).label("part"),
            func.row_number()
            .over(order_by=[*(getattr(f, name) for name in read.by), f.id])
            .label("position"),
            f.value,
            f.org_count,
            *(getattr(f, name) for name in BY_COLUMNS),
        ).where(*_where(read))
        for number, read in enumerate(chunk)
    ]
    rows = union_all(*parts).subquery("reads") if len(parts) > 1 else parts[0].subquery("reads")
    return select(rows).order_by(rows.c.part, rows.c.position)


def _read_many(reads: list[_Read]) -> dict[_Read, list[FigureRow]]:
    """Each read's rows, ordered by its `by` columns as a read on its own orders them.

    Columns, not entities: building ORM objects for each row cost more than the indexed
    query itself. Each part numbers its rows in its own order, so one UNION ALL keeps it."""
    found: dict[_Read, list[FigureRow]] = {read: [] for read in reads}
    for start in range(0, len(reads), BATCH_SIZE):
        chunk = tuple(reads[start : start + BATCH_SIZE])
        for row in db.session.execute(_statement(chunk)).mappings():
            read = chunk[row["part"]]
            found[read].append(
                FigureRow(
                    key={name: row[name] for name in read.by},
                    value=Decimal(row["value"]),
                    org_count=row["org_count"],
                )
            )
    return found


def total(measure: str, **filters: Any) -> FigureRow | None:
    """The single figure for these filters, or None when nothing was counted."""
    rows = figures(measure, by=(), **filters)
    return rows[0] if rows else None


def periods() -> list[str]:
    """The periods the current snapshot has, "all" first, then years and quarters in order.

    A recursive skip along `ix_insight_figures_snapshot_period` (one index probe per period)
    instead of a DISTINCT over every figure of the snapshot."""
    batch = _batch.get()
    if batch is not None:
        if batch.periods is None:
            batch.periods = _kept.periods()
        return batch.periods
    return _kept.periods()


def _periods() -> list[str]:
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
