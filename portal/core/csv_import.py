"""CSV import for every feature: one status vocabulary, one job, one stall sweep.

A feature keeps its upload in a table built from `CsvImportMixin`, declares an `ImportKind`
(its model, column spec, lookups and apply step) and a job function that calls `run_import`.
The job checks every row, then applies all of them or none, writing progress to the row.
"""

from __future__ import annotations

import enum
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Enum, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..jobs import QueueUnavailable, deterministic_id, enqueue, enqueue_after_commit, in_flight
from .csv_rows import MAX_REPORTED_ERRORS, CsvSpec, RowError, check_text
from .models import utcnow

log = logging.getLogger(__name__)
C = TypeVar("C")
R = TypeVar("R")
PROGRESS_EVERY = 500  # rows between progress commits, so the progress page moves
# A queued import with no job in RQ after this long lost its job (Redis restarted empty, say).
QUEUED_STALLED_AFTER = timedelta(seconds=10)
# A 20,000-row import takes seconds, but one being checked may still be running: re-enqueue it
# only after this long (a killed worker's import is retried by RQ within a minute anyway).
STALLED_AFTER = timedelta(minutes=15)


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"  # uploaded; the job has not started
    CHECKING = "checking"  # the job is checking rows; nothing is saved yet
    IMPORTED = "imported"  # every row was saved
    REJECTED = "rejected"  # some rows have problems: nothing was saved
    FAILED = "failed"  # something went wrong on our side: nothing was saved

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def colour(self) -> str:
        return _LABELS[self][1]

    @property
    def is_finished(self) -> bool:
        return self in FINISHED


_LABELS = {
    ImportStatus.QUEUED: ("Waiting to start", "grey"),
    ImportStatus.CHECKING: ("Checking rows", "blue"),
    ImportStatus.IMPORTED: ("Imported", "green"),
    ImportStatus.REJECTED: ("Not imported: fix the errors", "red"),
    ImportStatus.FAILED: ("Failed: try again", "red"),
}
FINISHED = (ImportStatus.IMPORTED, ImportStatus.REJECTED, ImportStatus.FAILED)
UNFINISHED = (ImportStatus.QUEUED, ImportStatus.CHECKING)


def import_status_type() -> Enum:
    """The status column's type: a string the database CHECKs against the vocabulary."""
    return Enum(
        ImportStatus,
        name="import_status",
        native_enum=False,
        create_constraint=True,
        length=12,
        values_callable=lambda statuses: [status.value for status in statuses],
        validate_strings=True,
    )


class CsvImportMixin:
    """The columns every import table has: the file, its status, progress and problems."""

    id: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200), default="")
    # The decoded file, kept in the database so an RQ worker on another host can read it.
    content: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ImportStatus] = mapped_column(
        import_status_type(), default=ImportStatus.QUEUED, index=True
    )
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    imported_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    # JSON list of [row number or null, column, message]; capped so a broken file stays readable.
    errors_json: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def errors(self) -> list[RowError]:
        return [RowError(*item) for item in json.loads(self.errors_json or "[]")]

    @property
    def _status(self) -> ImportStatus:
        # None until the row is flushed and the column default applies.
        return ImportStatus(self.status or ImportStatus.QUEUED)

    @property
    def is_finished(self) -> bool:
        return self._status.is_finished

    @property
    def status_label(self) -> str:
        return self._status.label

    @property
    def status_colour(self) -> str:
        return self._status.colour

    @property
    def percent_done(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)

    def progress(self) -> dict[str, Any]:
        """What the progress page's script polls for (one set of keys for every feature)."""
        return {
            "status": str(self._status),
            "status_label": self.status_label,
            "finished": self.is_finished,
            "processed_rows": self.processed_rows,
            "total_rows": self.total_rows,
            "percent": self.percent_done,
        }


@dataclass(frozen=True)
class ImportKind(Generic[C, R]):
    """One feature's import: its table, its columns, what the rows are checked against, and how
    the checked rows are saved (`apply` adds and flushes, returning how many it saved)."""

    name: str
    model: type[Any]  # a db.Model built with CsvImportMixin
    spec: CsvSpec[C, R]
    context: Callable[[Any], C]
    apply: Callable[[Any, list[R]], int]


_KINDS: dict[str, ImportKind[Any, Any]] = {}


def register(kind: ImportKind[C, R]) -> ImportKind[C, R]:
    """Make `kind` known to the one import job and the stall sweep (by its name)."""
    _KINDS[kind.name] = kind
    return kind


def registered_kinds() -> list[ImportKind[Any, Any]]:
    return list(_KINDS.values())


def start_import(kind: ImportKind[Any, Any], text: str, total_rows: int, **fields: Any) -> Any:
    """Keep the file and queue the job that checks and applies it after the caller commits."""
    entry = kind.model(content=text, total_rows=total_rows, **fields)
    entry.filename = (entry.filename or "")[:200]
    db.session.add(entry)
    db.session.flush()
    enqueue_after_commit(run_registered_import, kind.name, entry.id)
    return entry


@deterministic_id("csv-import-{kind_name}-{import_id}")
def run_registered_import(kind_name: str, import_id: int) -> None:
    """The one background job for every feature's CSV import: it takes the kind by name, so a
    feature's services queue it without importing a jobs module."""
    run_import(_KINDS[kind_name], import_id)


def _claim(kind: ImportKind[Any, Any], import_id: int) -> bool:
    """Move an unfinished import to checking; False if it is missing or already finished.

    One conditional UPDATE, so a duplicate run cannot reopen an import that another finished.
    """
    claimed = db.session.execute(
        update(kind.model)
        .where(kind.model.id == import_id, kind.model.status.in_(UNFINISHED))
        .values(status=ImportStatus.CHECKING, processed_rows=0)
    )
    db.session.commit()
    return bool(getattr(claimed, "rowcount", 0))


def _finish(entry: Any, status: ImportStatus, errors: Sequence[RowError] = ()) -> None:
    entry.status = status
    entry.processed_rows = entry.total_rows
    entry.finished_at = utcnow()
    if errors:
        entry.error_count = len(errors)
        entry.errors_json = json.dumps([list(error) for error in errors[:MAX_REPORTED_ERRORS]])


def run_import(kind: ImportKind[Any, Any], import_id: int) -> None:
    """Check every row of the import; save all of them only if none has a problem. Idempotent."""
    if not _claim(kind, import_id):
        return  # already done (a retry or a duplicate enqueue): nothing to do
    entry: Any = db.session.get(kind.model, import_id)

    def progress(done: int) -> None:
        # Only the import row has changed so far, so committing publishes just the progress.
        entry.processed_rows = done
        db.session.commit()

    report = check_text(kind.spec, entry.content, kind.context(entry), progress, PROGRESS_EVERY)
    entry.total_rows = report.total_rows
    if not report.ok:
        _finish(entry, ImportStatus.REJECTED, report.errors)
        db.session.commit()
        log.info("%s import %s rejected: %d problems", kind.name, import_id, len(report.errors))
        return
    _apply(kind, import_id, report.records)


def _apply(kind: ImportKind[Any, Any], import_id: int, records: list[Any]) -> None:
    # Lock the row and look again: a duplicate run that finished meanwhile must not apply twice.
    # (Only the status column: PostgreSQL cannot lock a row through an outer join.)
    status = db.session.scalar(
        select(kind.model.status).where(kind.model.id == import_id).with_for_update()
    )
    if status in FINISHED:
        db.session.rollback()
        return
    entry: Any = db.session.get(kind.model, import_id)
    try:
        entry.imported_rows = kind.apply(entry, records)
        _finish(entry, ImportStatus.IMPORTED)
        entry.content = ""  # applied: the rows now live in the feature's tables
        db.session.commit()
    except Exception:
        db.session.rollback()
        entry = db.session.get(kind.model, import_id)
        _finish(entry, ImportStatus.FAILED)
        db.session.commit()
        raise
    log.info("%s import %s applied: %d rows", kind.name, import_id, entry.imported_rows)


def resume_stalled_imports(kinds: Sequence[ImportKind[Any, Any]] | None = None) -> int:
    """Re-enqueue imports of every feature whose job was lost (Redis restarted empty, a worker
    killed mid-run), never one whose job RQ still has queued or running. The file stays in the
    database until it is applied, so nothing is lost. Nothing is queued while Redis is down."""
    now = utcnow()
    requeued = 0
    for kind in registered_kinds() if kinds is None else kinds:
        model = kind.model
        candidates = db.session.scalars(
            select(model.id).where(
                or_(
                    (model.status == ImportStatus.QUEUED)
                    & (model.created_at < now - QUEUED_STALLED_AFTER),
                    (model.status == ImportStatus.CHECKING)
                    & (model.created_at < now - STALLED_AFTER),
                )
            )
        ).all()
        if not candidates:
            continue
        try:
            running = in_flight(run_registered_import, [(kind.name, i) for i in candidates])
        except QueueUnavailable:
            log.info("Redis unreachable: stalled imports wait for the next sweep")
            return requeued
        stalled = [i for i, busy in zip(candidates, running, strict=True) if not busy]
        for import_id in stalled:
            enqueue(run_registered_import, kind.name, import_id)
        if stalled:
            log.info("Re-enqueued %d stalled %s imports", len(stalled), kind.name)
        requeued += len(stalled)
    return requeued


__all__ = [
    "CsvImportMixin",
    "ImportKind",
    "ImportStatus",
    "register",
    "resume_stalled_imports",
    "run_import",
    "run_registered_import",
    "start_import",
]
