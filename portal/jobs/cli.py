"""`flask worker`, `flask serve`, `flask jobs list` and `flask jobs run-periodic`."""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from . import redis_connection
from .schedule import (
    periodic_job_definitions,
    run_due_jobs,
    run_forever,
    start_background_scheduler,
)


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
    quick_recovery_worker().work(burst=burst, with_scheduler=with_scheduler)


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
