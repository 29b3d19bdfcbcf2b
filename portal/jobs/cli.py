"""`flask worker`, `flask serve`, `flask jobs list` and `flask jobs run-periodic`."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import redis_connection
from .schedule import (
    periodic_job_definitions,
    run_due_jobs,
    run_forever,
    start_background_scheduler,
)

log = logging.getLogger(__name__)
# Seconds between attempts to start a worker again while Redis is away: doubling up to the most.
RECONNECT_FIRST = 0.5
RECONNECT_MOST = 5.0
# A worker that ran this long before stopping was not failing to start: back off from the start.
RECONNECT_RESET_AFTER = 60.0


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option(
    "--with-scheduler/--without-scheduler", default=True, help="Run RQ's retry scheduler."
)
def worker_command(burst: bool, with_scheduler: bool) -> None:
    """Run an RQ worker for this app (same as `rq worker`, with the app loaded once).

    Tuned so a job whose worker was killed (SIGKILL, OOM, a lost host) is retried within about
    a minute, not RQ's default of up to ten: see `quick_recovery_worker`."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: jobs run in-process, no worker needed.")
    warm_up()
    if burst:
        quick_recovery_worker().work(burst=True, with_scheduler=with_scheduler)
        return
    run_worker(with_scheduler=with_scheduler)


def warm_up() -> None:
    """Do once in the worker what each job's forked work horse would otherwise redo: configure
    the ORM's mappers (a few hundred milliseconds per job, which made an email take 0.3 s) and
    learn the database server's dialect details. The connection is closed again: a forked
    horse must never share its parent's."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    try:
        with db.engine.connect():
            pass
    except SQLAlchemyError:
        log.warning("Database unreachable as the worker starts; its jobs will retry")
    finally:
        db.engine.dispose()


def run_worker(*, with_scheduler: bool = True, sleep: Callable[[float], None] = time.sleep) -> None:
    """Work until asked to stop (SIGTERM or SIGINT), riding out Redis outages.

    RQ's worker quits when Redis goes away mid-job ("found an unhandled exception, quitting")
    and cannot start while Redis is down; here a new worker is started after a back-off
    (RECONNECT_FIRST doubling to RECONNECT_MOST seconds), so a deployment without a supervisor
    keeps working once Redis is back. A job cut off that way is run again by a retry or a
    sweep, and jobs are idempotent."""
    from redis.exceptions import RedisError

    delay = RECONNECT_FIRST
    while True:
        started = time.monotonic()
        worker = None
        try:
            worker = quick_recovery_worker()
            worker.work(with_scheduler=with_scheduler)
        except RedisError as error:
            log.warning("Worker lost Redis: %s", error)
        if worker is not None and worker.stop_asked:
            return
        if time.monotonic() - started > RECONNECT_RESET_AFTER:
            delay = RECONNECT_FIRST
        # Nothing runs in this process now: a stop signal during the wait ends it at once.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, _exit_now)
        log.warning("Worker stopped; starting a new one in %.1f s", delay)
        sleep(delay)
        delay = min(delay * 2, RECONNECT_MOST)


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(0)


def quick_recovery_worker() -> Any:
    """An RQ worker whose abandoned jobs are found and retried quickly.

    RQ keeps each running job in the StartedJobRegistry until its heartbeat lapses; the
    heartbeat is renewed every `job_monitoring_interval` for that interval plus 60 s, and a
    worker's maintenance (every `maintenance_interval`, default 10 minutes, and only between
    blocking waits of `worker_ttl - 15` s) retries lapsed jobs that have retries left (each job
    is enqueued with `Retry`) and fails the rest. Here the heartbeat lapses JOB_HEARTBEAT_GRACE
    after the last one and maintenance runs every RQ_MAINTENANCE_INTERVAL.
    """
    from rq import Worker

    config = current_app.config
    grace = config["JOB_HEARTBEAT_GRACE"]

    class QuickRecoveryWorker(Worker):
        stop_asked = False  # a SIGTERM or SIGINT asked it to stop (not Redis going away)

        def request_stop(self, signum: Any, frame: Any) -> None:
            self.stop_asked = True
            super().request_stop(signum, frame)

        def get_heartbeat_ttl(self, job: Any, working_time: float = 0.0) -> int:
            if job.timeout and job.timeout > 0:
                left = job.timeout - working_time
                return int(min(left, self.job_monitoring_interval)) + grace
            return int(self.job_monitoring_interval) + grace

    return QuickRecoveryWorker(
        [config["RQ_QUEUE"]],
        connection=redis_connection(),
        job_monitoring_interval=config["JOB_MONITORING_INTERVAL"],
        maintenance_interval=config["RQ_MAINTENANCE_INTERVAL"],
        worker_ttl=config["RQ_WORKER_TTL"],
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve_command(host: str, port: int) -> None:
    """The development server; without REDIS_URL, due periodic jobs also run in the background."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        start_background_scheduler(app)
        click.echo("Periodic jobs run in the background while this server runs.")
    run_simple(host, port, app, threaded=True)


jobs_group = AppGroup("jobs", help="Background jobs.")


@jobs_group.command("list")
def list_jobs() -> None:
    """Show every periodic job and how often it runs."""
    for job in periodic_job_definitions():
        click.echo(f"{job.name:32} every {job.every}  {job.description}")


@jobs_group.command("run-periodic")
@click.option("--loop", is_flag=True, help="Keep running, starting each job when it is due.")
def run_periodic(loop: bool) -> None:
    """Start the periodic jobs that are due (for cron), or keep doing so with --loop."""
    if loop:
        run_forever(current_app._get_current_object())  # type: ignore[attr-defined]
        return
    started = run_due_jobs()
    click.echo(f"Started {len(started)} due periodic jobs: {', '.join(started) or 'none'}.")
