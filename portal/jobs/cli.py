"""`flask worker`, `flask jobs list` and `flask jobs run-periodic`."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import click
from flask import Flask, current_app

from . import enqueue, redis_connection
from .schedule import periodic_job_definitions

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    @click.option(
        "--with-scheduler/--without-scheduler", default=True, help="Run RQ's retry scheduler."
    )
    def worker(burst: bool, with_scheduler: bool) -> None:
        """Run an RQ worker for this app (same as `rq worker`, with the app loaded once)."""
        from rq import Worker

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException(
                "REDIS_URL is not set: jobs run in-process, no worker needed."
            )
        Worker([current_app.config["RQ_QUEUE"]], connection=redis_connection()).work(
            burst=burst, with_scheduler=with_scheduler
        )

    jobs = click.Group("jobs", help="Background jobs.")
    app.cli.add_command(jobs)

    @jobs.command("list")
    def list_jobs() -> None:
        """Show every periodic job and how often it runs."""
        for job in periodic_job_definitions():
            click.echo(f"{job.name:32} every {job.every}  {job.description}")

    @jobs.command("run-periodic")
    @click.option("--loop", is_flag=True, help="Keep running, enqueueing each job when it is due.")
    def run_periodic(loop: bool) -> None:
        """Enqueue every periodic job once (for cron), or on its own interval with --loop."""
        last_run: dict[str, datetime] = {}
        while True:
            now = datetime.now(UTC)
            for job in periodic_job_definitions():
                previous = last_run.get(job.name)
                if previous is None or now - previous >= job.every:
                    enqueue(job.func)
                    last_run[job.name] = now
                    log.info("Enqueued periodic job %s", job.name)
            if not loop:
                return
            time.sleep(30)
