"""The periodic jobs every feature declares, and the claim that runs each only when it is due.

Why not RQ's own scheduling: RQ 3's `CronScheduler` keeps each job's last enqueue time in the
scheduler process (a restart runs every interval job again at once) and needs Redis, which the
embedded default does not have; `enqueue_in`/`enqueue_at` schedule one run, not a series. So the
last start of each job lives in the `periodic_job_runs` table, and one conditional UPDATE claims
a due run: of two schedulers ticking together, only one updates the row.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import Executable, or_, update

from ..core.features import PeriodicJob, app_features
from ..core.models import utcnow
from ..extensions import db
from . import enqueue
from .models import PeriodicJobRun

log = logging.getLogger(__name__)
# A cron tick can start a moment early; a run this close to its interval counts as due
# (at most a quarter of the interval, so a 20-second job is not run again by the scheduler's
# next 5-second tick, nor by a cron tick right after).
EARLY_TOLERANCE = timedelta(seconds=30)


def periodic_job_definitions(app: Flask | None = None) -> list[PeriodicJob]:
    """Every feature's periodic jobs, most frequent first, as `flask jobs list` shows them."""

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    jobs = [job for feature in app_features(app) for job in feature.periodic_jobs]
    return sorted(jobs, key=lambda job: job.every)


def _ensure_rows(names: list[str]) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    for name in names:
        if db.engine.dialect.name == "postgresql":
            statement: Executable = (
                postgresql.insert(PeriodicJobRun).values(name=name).on_conflict_do_nothing()
            )
        else:
            statement = sqlite.insert(PeriodicJobRun).values(name=name).on_conflict_do_nothing()
        db.session.execute(statement)


def claim(job: PeriodicJob, now: datetime) -> bool:
    """Record that `job` starts at `now` if it is due; False if it ran within its interval."""
    cutoff = now - job.every + min(EARLY_TOLERANCE, job.every / 4)
    result = db.session.execute(
        update(PeriodicJobRun)
        .where(
            PeriodicJobRun.name == job.name,
            or_(
                PeriodicJobRun.last_started_at.is_(None),
                PeriodicJobRun.last_started_at <= cutoff,
            ),
        )
        .values(last_started_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Enqueue (or, without Redis, run) every periodic job that is due; returns their names."""
    now = now or utcnow()
    definitions = periodic_job_definitions()
    _ensure_rows([job.name for job in definitions])
    db.session.commit()
    started = []
    for job in definitions:
        claimed = claim(job, now)
        # Commit the claim before the job runs, so another scheduler sees it at once.
        db.session.commit()
        if claimed:
            log.info("Starting periodic job %s", job.name)
            if job.in_scheduler and current_app.config.get("REDIS_URL"):
                _run_here(job)
            else:
                enqueue(job.func)
            started.append(job.name)
    return started


def _run_here(job: PeriodicJob) -> None:
    """Run an `in_scheduler` job now; a failure is logged and the other due jobs still start."""
    try:
        job.func()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Periodic job %s failed; it runs again next tick", job.name)


def run_forever(app: Flask, stop: threading.Event | None = None) -> None:
    """Tick every SCHEDULER_TICK_SECONDS until `stop` is set; a failed tick is logged, not fatal."""
    stop = stop or threading.Event()
    while not stop.is_set():
        with app.app_context():
            try:
                run_due_jobs()
            except Exception:
                db.session.rollback()
                log.exception("Periodic job tick failed; trying again next tick")
            finally:
                db.session.remove()
        stop.wait(app.config["SCHEDULER_TICK_SECONDS"])


def start_background_scheduler(app: Flask) -> threading.Thread:
    """The embedded default's scheduler: a daemon thread beside the development server."""
    thread = threading.Thread(target=run_forever, args=(app,), name="portal-scheduler", daemon=True)
    thread.start()
    return thread
