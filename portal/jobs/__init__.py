"""The job backbone: one `enqueue` for every background job.

With `REDIS_URL` set, jobs go to RQ and run in `rq worker` processes, retried with back-off.
Without it (the embedded default) the same job code runs in-process, in a fresh app context and
database session, retried a few times. Jobs take ids and plain values, own their commit and are
idempotent, so running one twice (a retry, or a sweep re-enqueueing it) does no harm.

A job declared with `deterministic_id` has one RQ job per set of arguments (`deliver-email-42`),
so its sweep can ask RQ whether that job is still waiting or running (`in_flight`) and re-enqueue
only the ones Redis lost or that finished without doing the work.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..core.features import Feature, PeriodicJob
from ..extensions import db

log = logging.getLogger(__name__)
_PENDING_KEY = "portal_pending_jobs"
F = TypeVar("F", bound=Callable[..., Any])
# The RQ id template and signature of each job declared with `deterministic_id`, by job path.
_JOB_IDS: dict[str, tuple[str, inspect.Signature]] = {}
# RQ statuses of a job that will not run again by itself; any other status is still in flight.
DONE_STATUSES = frozenset({"finished", "failed", "stopped", "canceled"})


class QueueUnavailable(Exception):
    """Redis did not answer, so nobody can tell which jobs it still holds."""


def job_path(func: Callable[..., Any]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def deterministic_id(template: str) -> Callable[[F], F]:
    """Give every run of an idempotent job the RQ id `template`, formatted with its arguments
    by name: `@deterministic_id("deliver-email-{email_id}")`.

    The id is declared on the job, not passed to `enqueue`, so it can never clash with the
    job's own keyword arguments, and every way the job is queued (the first enqueue, a sweep,
    the flush of jobs kept while Redis was down) names the same RQ job."""

    def declare(func: F) -> F:
        _JOB_IDS[job_path(func)] = (template, inspect.signature(func))
        return func

    return declare


def job_id_for(path: str, args: Sequence[Any], kwargs: dict[str, Any]) -> str | None:
    """The deterministic RQ id of this call, or None for a job without one."""
    if path not in _JOB_IDS:
        from .runner import resolve

        try:
            resolve(path)  # importing the job's module declares its id
        except (ImportError, AttributeError):
            return None
    declared = _JOB_IDS.get(path)
    if declared is None:
        return None
    template, signature = declared
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return re.sub(r"[^A-Za-z0-9_-]", "_", template.format(**bound.arguments))


def in_flight(func: Callable[..., Any], calls: Sequence[Sequence[Any]]) -> list[bool]:
    """For each call (its positional arguments) of a `deterministic_id` job: whether its RQ job
    is queued, scheduled, deferred or running now, so queueing it again would only duplicate it.

    All False without Redis (jobs then run in-process at once); raises `QueueUnavailable` when
    Redis does not answer."""
    if not current_app.config.get("REDIS_URL"):
        return [False] * len(calls)
    from redis.exceptions import RedisError
    from rq.job import Job

    path = job_path(func)
    ids = [job_id_for(path, args, {}) for args in calls]
    if any(job_id is None for job_id in ids):
        raise ValueError(f"{path} has no deterministic_id, so RQ cannot be asked about it")
    try:
        jobs = Job.fetch_many([str(job_id) for job_id in ids], connection=redis_connection())
    except RedisError as error:
        raise QueueUnavailable(str(error)) from error
    return [job is not None and _status(job) not in DONE_STATUSES for job in jobs]


def _status(job: Any) -> str:
    status = job.get_status(refresh=False)
    return str(getattr(status, "value", status))


def redis_connection():
    """A client that gives up quickly, so a dead Redis costs a request a moment, not a hang."""
    from redis import Redis

    timeout = current_app.config.get("REDIS_CONNECT_TIMEOUT", 2)
    return Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=timeout)


def get_queue():
    from rq import Queue

    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def _push(queue: Any, path: str, args: list[Any], kwargs: dict[str, Any]) -> str:
    """Hand one job to RQ, with the retries that also cover a worker killed mid-job.

    A `deterministic_id` job already in flight is not pushed again; one that finished or failed
    is replaced by a fresh job (with fresh retries) under the same id."""
    from rq import Retry
    from rq.job import Job

    job_id = job_id_for(path, args, kwargs)
    if job_id is not None:
        existing = Job.fetch_many([job_id], connection=queue.connection)[0]
        if existing is not None:
            if _status(existing) not in DONE_STATUSES:
                return job_id
            existing.delete()
    intervals = current_app.config["JOB_RETRY_INTERVALS"]
    job = queue.enqueue(
        "portal.jobs.runner.run_job",
        path,
        args,
        kwargs,
        retry=Retry(max=len(intervals), interval=intervals),
        job_timeout=current_app.config.get("JOB_TIMEOUT", 600),
        job_id=job_id,
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
    from . import cli, models, pending, retries

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
            PeriodicJob(
                "release-overdue-retries",
                retries.release_overdue_retries,
                timedelta(seconds=20),
                "Queue job retries RQ's scheduler left overdue (its worker was killed).",
                in_scheduler=True,
            ),
        ),
    )
