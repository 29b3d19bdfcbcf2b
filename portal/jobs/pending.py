"""Jobs kept in the database while Redis is down, and the flush that hands them to RQ.

`enqueue` records a job here when Redis does not answer: the caller's rows are already
committed (or about to be), so the job is all that could be lost. The record uses its own
connection, because `enqueue` also runs from the session's after-commit hook, where the
session cannot write. Two things push the records to RQ once Redis answers: the scheduler's
`flush-pending-jobs`, which runs in the scheduler process itself every 30 seconds (not through
Redis, which is what was down), and the next enqueue that reaches Redis (checked at most every
PENDING_FLUSH_CHECK_SECONDS per process). Jobs are idempotent, so a record pushed twice by two
flushes at once does no harm; on PostgreSQL `SKIP LOCKED` keeps that from happening anyway.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any

from flask import current_app
from sqlalchemy import Executable, delete, exists, select

from ..extensions import db
from .models import PendingJob

log = logging.getLogger(__name__)
FLUSH_BATCH = 500
_last_check = {"at": 0.0}


def unique_key(path: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    payload = json.dumps([path, args, kwargs], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(path: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Keep one job until Redis answers; the same job and arguments are kept once."""
    from sqlalchemy.dialects import postgresql, sqlite

    values = {
        "job_path": path,
        "args_json": json.dumps(args, default=str),
        "kwargs_json": json.dumps(kwargs, default=str),
        "unique_key": unique_key(path, args, kwargs),
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement: Executable = dialect.insert(PendingJob).values(**values).on_conflict_do_nothing()
    try:
        with db.engine.begin() as connection:
            connection.execute(statement)
    except Exception:
        # Both Redis and the database failed: only the periodic sweeps can recover this one.
        log.exception("Could not keep %s in pending_jobs either; its sweep will retry it", path)


def flush_pending_jobs(queue: Any = None) -> int:
    """Push kept jobs to RQ, oldest first; returns how many. Does nothing while Redis is down."""
    from . import _push, get_queue

    if not current_app.config.get("REDIS_URL"):
        return 0
    queue = queue or get_queue()
    try:
        queue.connection.ping()
    except Exception:
        log.info("Redis still unreachable; pending jobs wait for the next flush")
        return 0
    pushed = 0
    with db.engine.begin() as connection:
        rows = connection.execute(
            select(PendingJob.id, PendingJob.job_path, PendingJob.args_json, PendingJob.kwargs_json)
            .order_by(PendingJob.id)
            .limit(FLUSH_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            try:
                _push(queue, row.job_path, json.loads(row.args_json), json.loads(row.kwargs_json))
            except Exception:
                log.warning("Redis went away during the flush; %d jobs pushed", pushed)
                break
            connection.execute(delete(PendingJob).where(PendingJob.id == row.id))
            pushed += 1
    if pushed:
        log.info("Pushed %d jobs kept while Redis was down", pushed)
    return pushed


def flush_soon(queue: Any) -> None:
    """After an enqueue reached Redis: flush kept jobs, if any, at most every few seconds."""
    every = current_app.config.get("PENDING_FLUSH_CHECK_SECONDS", 5)
    if time.monotonic() - _last_check["at"] < every:
        return
    _last_check["at"] = time.monotonic()
    try:
        with db.engine.connect() as connection:
            waiting = connection.scalar(select(exists().select_from(PendingJob)))
        if waiting:
            flush_pending_jobs(queue)
    except Exception:
        log.exception("Opportunistic flush of pending jobs failed; the scheduler will retry")
