"""The scheduler: each periodic job runs only when due, whoever ticks and however often."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask

from portal import create_app
from portal.core.models import utcnow
from portal.extensions import db
from portal.jobs.schedule import periodic_job_definitions, run_due_jobs, run_forever

EVERY_JOB = {
    "flush-pending-jobs",
    "release-overdue-retries",
    "resend-unsent-emails",
    "resume-stalled-csv-imports",
    "exchange-lapse-interests",
    "exchange-expire-listings",
    "exchange-recompute-suggestions",
    "pledge-overdue-reminders",
    "pledge-export-cleanup",
    "assessment-overdue-action-reminders",
    "insights-nightly",
    "insights-pending",
    "event-reminders",
    "weekly-digests",
}
# Every minute or more often, so work lost with Redis or a worker is picked up within a minute.
FREQUENT = {
    "flush-pending-jobs",
    "release-overdue-retries",
    "resend-unsent-emails",
    "resume-stalled-csv-imports",
    "insights-pending",
}
DAILY = {
    "exchange-expire-listings",
    "exchange-recompute-suggestions",
    "pledge-overdue-reminders",
    "assessment-overdue-action-reminders",
    "insights-nightly",
}
# Daily or less often: not due again an hour later.
NOT_HOURLY = DAILY | {"weekly-digests"}


@contextmanager
def _same_database_app(app: Flask) -> Iterator[Flask]:
    """A second app (a restarted process, or another scheduler) on the same database."""
    other = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"],
    )
    with other.app_context():
        try:
            yield other
        finally:
            db.session.remove()
            db.engine.dispose()  # close its connections now, not when it is garbage collected


def test_every_feature_job_is_scheduled_with_a_callable():
    jobs = periodic_job_definitions()
    assert {job.name for job in jobs} == EVERY_JOB
    assert all(callable(job.func) for job in jobs)
    assert all(job.every <= timedelta(minutes=1) for job in jobs if job.name in FREQUENT)


def test_a_cron_tick_twice_in_a_row_runs_nothing_the_second_time(app, run_jobs):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "run-periodic"])
    assert first.exit_code == 0, first.output
    assert f"Started {len(EVERY_JOB)} due periodic jobs" in first.output
    second = runner.invoke(args=["jobs", "run-periodic"])
    assert second.exit_code == 0, second.output
    assert "Started 0 due periodic jobs: none." in second.output
    run_jobs()


def test_a_daily_job_is_not_rerun_an_hour_later_but_the_hourly_one_is(run_jobs):
    start = utcnow()
    assert set(run_due_jobs(start)) == EVERY_JOB
    an_hour_later = set(run_due_jobs(start + timedelta(hours=1)))
    assert an_hour_later == EVERY_JOB - NOT_HOURLY
    assert set(run_due_jobs(start + timedelta(hours=1, seconds=10))) == set()
    a_day_later = set(run_due_jobs(start + timedelta(days=1)))
    assert a_day_later >= DAILY and "weekly-digests" not in a_day_later
    assert "weekly-digests" in set(run_due_jobs(start + timedelta(days=7)))
    run_jobs()


def test_the_last_runs_survive_a_new_app(app, run_jobs):
    start = utcnow()
    assert set(run_due_jobs(start)) == EVERY_JOB
    with _same_database_app(app):
        assert run_due_jobs(start + timedelta(seconds=10)) == []
        assert set(run_due_jobs(start + timedelta(minutes=11))) == FREQUENT
    run_jobs()


def test_two_schedulers_cannot_both_claim_the_same_run(app, run_jobs):
    now = utcnow()
    assert set(run_due_jobs(now)) == EVERY_JOB
    with _same_database_app(app):
        assert run_due_jobs(now) == []
    run_jobs()


def test_the_embedded_scheduler_runs_due_jobs_in_the_background(app, run_jobs):
    stop = threading.Event()
    app.config["SCHEDULER_TICK_SECONDS"] = 0.05
    try:
        thread = threading.Thread(target=run_forever, args=(app, stop), daemon=True)
        thread.start()
        stop.wait(0.5)
    finally:
        stop.set()
        thread.join(timeout=10)
        app.config["SCHEDULER_TICK_SECONDS"] = 30
    assert not thread.is_alive()
    # It ran every job once, and did not repeat them on its later ticks.
    assert run_due_jobs(utcnow()) == []
    run_jobs()
