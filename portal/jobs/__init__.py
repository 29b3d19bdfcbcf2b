"""The job backbone: one `enqueue` for every background job.

With `REDIS_URL` set, jobs go to RQ and run in `rq worker` processes, retried with back-off.
Without it (the embedded default) the same job code runs in-process, in a fresh app context and
database session, retried a few times. Jobs take ids and plain values, own their commit and are
idempotent, so running one twice (a retry, or a sweep re-enqueueing it) does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.features import Feature, PeriodicJob
from ..extensions import db

log = logging.getLogger(__name__)
_PENDING_KEY = "portal_pending_jobs"


def job_path(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def redis_connection():
    """A client that gives up quickly, so a dead Redis costs a request a moment, not a hang."""
    from redis import Redis

    timeout = current_app.config.get("REDIS_CONNECT_TIMEOUT", 2)
    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=timeout)


def get_queue():
    from rq import Queue

    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def _push(queue: Any, path: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """Hand one job to RQ, with the retries that also cover a worker killed mid-job."""
    from rq import Retry

    intervals = current_app.config["JOB_RETRY_INTERVALS"]
    job = queue.enqueue(
        "portal.jobs.runner.run_job",
        path,
        args,
        kwargs,
        retry=Retry(max=len(intervals), interval=intervals),
        job_timeout=current_app.config.get("JOB_TIMEOUT", 600),
    )
    return str(job.id)


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Run `func(*args, **kwargs)` as a background job; returns the RQ job id when queued.

    If Redis does not answer, the job is kept in `pending_jobs` (see `pending`) and pushed to
    RQ by the scheduler's 30-second flush or the next enqueue that reaches Redis."""
    if current_app.config.get("REDIS_URL"):
        from . import pending

        try:
            queue = get_queue()
            job_id = _push(queue, job_path(func), list(args), kwargs)
        except Exception:
            log.warning("Redis unreachable: %s kept in pending_jobs", job_path(func), exc_info=True)
            pending.record(job_path(func), list(args), kwargs)
            return None
        pending.flush_soon(queue)
        return job_id
    from .runner import run_in_process

    run_in_process(func, args, kwargs)
    return None


def enqueue_after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue once the current transaction commits, so the worker sees the committed rows."""
    db.session.connection()  # begin the transaction now, so a rollback is seen and drops the job
    db.session.info.setdefault(_PENDING_KEY, []).append((func, args, kwargs))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for func, args, kwargs in pending:
        enqueue(func, *args, **kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def feature() -> Feature:
    from . import cli, models, pending

    return Feature(
        name="jobs",
        models=(models,),
        cli=(cli.worker_command, cli.serve_command, cli.jobs_group),
        periodic_jobs=(
            PeriodicJob(
                "flush-pending-jobs",
                pending.flush_pending_jobs,
                timedelta(seconds=30),
                "Push jobs kept while Redis was down to RQ (runs in the scheduler itself).",
                in_scheduler=True,
            ),
        ),
    )
