"""Issue 11 (findings 2 and 5): the portal degrades rather than fails without Redis, catches up
once Redis returns, retries a killed worker's job, and never sends an email twice."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import User
from portal.core.models import AuditLog, utcnow
from portal.exchange.models import MATCH_ACCEPTED, ExchangeMessage, Listing
from portal.extensions import db, limiter
from portal.jobs import enqueue, get_queue
from portal.jobs.models import PendingJob
from portal.jobs.schedule import periodic_job_definitions, run_due_jobs
from portal.mail.delivery import deliver_email
from portal.mail.jobs import MAX_ATTEMPTS, resend_unsent_emails
from portal.mail.models import OutboundEmail
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, CsrfClient, needs
from tests.exchange.factories import MatchFactory, ward
from tests.factories import PASSWORD, UserFactory, member_of, vcse

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def other_app(app: Flask, **overrides: Any) -> Iterator[Flask]:
    """Another app process on the same database; the shared limiter is put back afterwards."""
    saved = dict(vars(limiter))
    other = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
        MAIL_SERVER=app.config["MAIL_SERVER"],
        MAIL_PORT=app.config["MAIL_PORT"],
        **overrides,
    )
    other.test_client_class = CsrfClient
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        vars(limiter).update(saved)


@pytest.fixture
def redis_down(app: Flask) -> Iterator[Flask]:
    with other_app(app, REDIS_URL=DEAD_REDIS, RATELIMIT_STORAGE_URI=DEAD_REDIS) as broken:
        yield broken


def _sign_in(client: Any, user: User) -> Any:
    return client.post("/sign-in", data={"email": user.email, "password": PASSWORD})


def _count(model: Any, *where: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_healthz_is_degraded_not_down_while_only_redis_is_down(redis_down):
    response = redis_down.test_client().get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert report["status"] == "degraded"
    assert report["database"] == "ok"
    assert report["redis"].startswith("error")


def test_sign_up_sign_in_and_forgot_password_work_while_redis_is_down(redis_down):
    client = redis_down.test_client()
    response = client.post(
        "/sign-up",
        data={
            "name": "Outage Olive",
            "email": "olive@example.org",
            "password": "a long enough password 1",
            "confirm_password": "a long enough password 1",
        },
    )
    assert response.status_code == 302, response.data
    assert _count(User, User.email == "olive@example.org") == 1

    user = UserFactory()
    db.session.commit()
    response = _sign_in(client, user)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200

    other = redis_down.test_client()
    response = other.post("/forgot-password", data={"email": user.email})
    assert response.status_code == 200
    # The reset is decided in its job (so the page cannot tell whether the account exists), and
    # that job waits in the database until Redis answers, beside the sign-up email's delivery.
    assert _count(PendingJob, PendingJob.job_path.endswith("send_password_reset")) == 1
    assert _count(PendingJob) == 2


def test_a_new_listing_and_a_message_are_saved_while_redis_is_down(redis_down):
    group = vcse()
    member = member_of(group)
    match = MatchFactory(status=MATCH_ACCEPTED)
    sender = member_of(match.offer.organisation)
    db.session.commit()

    client = redis_down.test_client()
    assert _sign_in(client, member).status_code == 302
    response = client.post(
        f"/orgs/{group.id}/exchange/request/new",
        data={
            "resource_type": "space",
            "title": "Room during an outage",
            "description": "A bright room with a kettle, free on weekday evenings.",
            "quantity": "",
            "unit": "",
            "wards": [str(ward("Gipton & Harehills").id)],
            "urgency": "high",
        },
    )
    assert response.status_code == 302
    assert _count(Listing, Listing.title == "Room during an outage") == 1

    client = redis_down.test_client()
    assert _sign_in(client, sender).status_code == 302
    response = client.post(f"/exchange/matches/{match.id}", data={"body": "Still here"})
    assert response.status_code == 302
    assert _count(ExchangeMessage, ExchangeMessage.body == "Still here") == 1


@pytest.fixture
def own_redis() -> Iterator[Any]:
    """A redis-server of our own on a spare port, not started until the test says so."""
    if not _which("redis-server"):
        needs("needs the redis-server program")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    servers: list[subprocess.Popen[bytes]] = []

    class Server:
        url = f"redis://127.0.0.1:{port}/0"

        def stop(self) -> None:
            """Stop it; with no persistence it starts again empty, as after a crash."""
            server = servers.pop()
            server.terminate()
            server.wait(timeout=10)

        def start(self) -> None:
            servers.append(
                subprocess.Popen(
                    [str(_which("redis-server")), "--port", str(port)]
                    + ["--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
                    stdout=subprocess.DEVNULL,
                )
            )
            from redis import Redis

            for _ in range(100):
                try:
                    Redis.from_url(self.url).ping()
                    return
                except Exception:
                    time.sleep(0.05)
            raise RuntimeError("our redis-server did not start")

    yield Server()
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _which(program: str) -> str | None:
    import shutil

    return shutil.which(program)


def test_jobs_kept_while_redis_was_down_are_pushed_by_the_scheduler_once_it_answers(
    app, own_redis, smtp_server
):
    sink = smtp_server[2]
    with other_app(app, REDIS_URL=own_redis.url) as portal, portal.test_request_context():
        from portal.mail.services import send_email

        send_email(
            "waiting@example.org",
            "Kept",
            "emails/organisation_decision.txt",
            organisation=type("O", (), {"name": "Kept Org", "status": "approved"})(),
        )
        db.session.commit()  # Redis is not running yet: the job is kept, not lost
        assert _count(PendingJob) == 1
        assert run_due_jobs() != []  # a scheduler tick while Redis is still down
        assert _count(PendingJob) >= 1  # ... pushes nothing and loses nothing

        own_redis.start()
        # The flush runs in the scheduler process itself, every 30 seconds.
        flush = next(j for j in periodic_job_definitions() if j.name == "flush-pending-jobs")
        assert flush.in_scheduler and flush.every <= timedelta(seconds=30)
        run_due_jobs(utcnow() + timedelta(seconds=30))
        assert _count(PendingJob) == 0
        _drain(portal)
    assert [m["Subject"] for m in sink.messages if m["To"] == "waiting@example.org"] == ["Kept"]


def test_the_next_enqueue_that_reaches_redis_pushes_the_kept_jobs(app, own_redis, smtp_server):
    overrides = {"REDIS_URL": own_redis.url, "PENDING_FLUSH_CHECK_SECONDS": 0}
    with other_app(app, **overrides) as portal, portal.app_context():
        enqueue(_marker, "kept")
        enqueue(_marker, "kept")  # the same job twice is kept once
        assert _count(PendingJob) == 1
        own_redis.start()
        assert enqueue(_marker, "fresh") is not None
        assert _count(PendingJob) == 0
        assert get_queue().count == 2
        _drain(portal)
        assert sorted(_markers()) == ["fresh", "kept"]


def _marker(label: str) -> None:
    from portal.core import audit

    audit.record("test.resilience", summary=label, user_id=None)


def _markers() -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "test.resilience"))
    )


def _drain(portal: Flask) -> None:
    from rq import SimpleWorker

    with portal.app_context():
        queue = get_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True, with_scheduler=False)


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, no handler sees it."""


def test_an_email_whose_worker_died_after_the_send_is_not_sent_twice(
    app, outbox, monkeypatch, smtp_server
):
    email = OutboundEmail(to="once@example.org", subject="Once", body="Body")
    db.session.add(email)
    db.session.commit()
    real_send = smtplib.SMTP.send_message

    def send_then_die(self: smtplib.SMTP, *args: Any, **kwargs: Any) -> Any:
        real_send(self, *args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_then_die)
    with pytest.raises(WorkerKilled):
        deliver_email(email.id)  # the server accepted it; "sent" was never committed
    db.session.rollback()
    monkeypatch.setattr(smtplib.SMTP, "send_message", real_send)

    deliver_email(email.id)  # RQ's retry, while the claim is fresh
    stored = db.session.get(OutboundEmail, email.id)
    stored.created_at -= timedelta(minutes=10)
    stored.claimed_at -= timedelta(minutes=10)  # long after any live attempt would have ended
    db.session.commit()
    resend_unsent_emails()  # the sweep hands it to deliver_email, which does not resend it
    assert len(outbox.to("once@example.org")) == 1

    db.session.expire_all()
    stored = db.session.get(OutboundEmail, email.id)
    assert stored.sent_at is None and stored.possibly_sent_at is not None
    assert "check with the recipient" in stored.last_error
    assert _count(AuditLog, AuditLog.action == "mail.possibly_sent") == 1  # admins see it
    assert resend_unsent_emails() == 0
    assert len(outbox.to("once@example.org")) == 1


def test_an_email_whose_worker_died_before_the_claim_is_sent_by_the_retry(app, outbox):
    email = OutboundEmail(to="retry@example.org", subject="Retry", body="Body")
    db.session.add(email)
    db.session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1
    try:
        with pytest.raises(OSError):
            deliver_email(email.id)
    finally:
        app.config["MAIL_PORT"] = port
    deliver_email(email.id)
    assert len(outbox.to("retry@example.org")) == 1


def slow_first_attempt(label: str) -> None:
    """A job whose first attempt hangs (so the test can kill its worker) and second finishes."""
    _marker(label)
    db.session.commit()
    if _markers().count(label) == 1:
        time.sleep(120)


@pytest.mark.postgres
def test_a_job_whose_worker_was_killed_is_retried_by_another_worker(app):
    if not TEST_REDIS_URL:
        needs("needs Redis: set TEST_REDIS_URL (the second pass of make test)")
    environment = {
        **os.environ,
        "PORTAL_CONFIG": "development",
        "DATABASE_URL": TEST_DATABASE_URL or "",
        "REDIS_URL": TEST_REDIS_URL,
        # Seconds, shortened from the production defaults so the test takes seconds.
        "JOB_MONITORING_INTERVAL": "1",
        "JOB_HEARTBEAT_GRACE": "3",
        "RQ_MAINTENANCE_INTERVAL": "2",
        "RQ_WORKER_TTL": "18",
    }

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT,
            env=environment,
            start_new_session=True,  # its own process group: the worker and its work horse
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_for(condition: Any, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.2)
        return False

    enqueue(slow_first_attempt, "killed")
    workers = [start_worker()]
    try:
        assert wait_for(lambda: _markers() == ["killed"], 30), "the first worker never started"
        os.killpg(workers[0].pid, signal.SIGKILL)  # the worker and the job it was running
        workers[0].wait(timeout=10)
        workers.append(start_worker())
        assert wait_for(lambda: _markers() == ["killed", "killed"], 60), "the job was not retried"
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)


def _queued_ids(portal: Flask) -> list[str]:
    with portal.app_context():
        return get_queue().get_job_ids()


def test_an_email_whose_queued_job_was_lost_is_re_enqueued_quickly_but_not_while_queued(
    app, own_redis, smtp_server
):
    sink = smtp_server[2]
    own_redis.start()
    with other_app(app, REDIS_URL=own_redis.url) as portal, portal.test_request_context():
        from portal.mail.services import send_email

        email = send_email(
            "lost@example.org",
            "Lost",
            "emails/organisation_decision.txt",
            organisation=type("O", (), {"name": "Lost Org", "status": "approved"})(),
        )
        db.session.commit()
        job_id = f"deliver-email-{email.id}"
        assert _queued_ids(portal) == [job_id]  # one RQ job per email, named after it
        later = utcnow() + timedelta(minutes=5)
        assert resend_unsent_emails(later) == 0  # still queued: RQ will get to it
        assert _queued_ids(portal) == [job_id]

        own_redis.stop()  # Redis dies with the job in it ...
        assert resend_unsent_emails(later) == 0  # ... and while it is down nothing is queued
        own_redis.start()  # ... and comes back empty
        assert resend_unsent_emails(utcnow()) == 0  # a just-created email gets a few seconds
        assert resend_unsent_emails(utcnow() + timedelta(seconds=6)) == 1
        assert _queued_ids(portal) == [job_id]
        assert resend_unsent_emails(later) == 0  # queued again, so not queued twice
        assert _queued_ids(portal) == [job_id]
        _drain(portal)
        assert resend_unsent_emails(later) == 0  # sent
    assert [m["Subject"] for m in sink.messages if m["To"] == "lost@example.org"] == ["Lost"]


def test_the_sweep_backs_off_after_each_failed_attempt_and_gives_up_at_the_cap(app, outbox):
    created = utcnow()
    failed_twice = OutboundEmail(
        to="flaky@example.org", subject="Flaky", body="Body", created_at=created, attempts=2
    )
    given_up = OutboundEmail(
        to="dead@example.org",
        subject="Dead",
        body="Body",
        created_at=created - timedelta(days=1),
        attempts=MAX_ATTEMPTS,
    )
    db.session.add_all([failed_twice, given_up])
    db.session.commit()
    # The third attempt waits until the email is a minute old (30 s, doubling per attempt).
    assert resend_unsent_emails(created + timedelta(seconds=55)) == 0
    assert resend_unsent_emails(created + timedelta(seconds=61)) == 1
    assert [m["Subject"] for m in outbox.messages] == ["Flaky"]


def test_the_worker_rides_out_a_redis_outage_without_a_supervisor(app, own_redis, tmp_path):
    """`flask worker` started before Redis, and Redis restarted under it: it keeps going."""
    environment = {
        **os.environ,
        "PORTAL_CONFIG": "development",
        "PORTAL_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": own_redis.url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def ran(label: str, seconds: float = 30) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if label in _markers():
                return True
            time.sleep(0.2)
        return False

    try:
        time.sleep(2)
        assert worker.poll() is None, "the worker quit because Redis was not there yet"
        with other_app(app, REDIS_URL=own_redis.url) as portal, portal.app_context():
            own_redis.start()
            enqueue(_marker, "before the outage")
            assert ran("before the outage"), "the worker never connected"
            own_redis.stop()
            time.sleep(3)
            assert worker.poll() is None, "the worker quit when Redis went away"
            own_redis.start()
            enqueue(_marker, "after the outage")
            assert ran("after the outage"), "the worker did not reconnect"
        os.killpg(worker.pid, signal.SIGTERM)
        assert worker.wait(timeout=20) == 0  # and a stop request still stops it
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


def test_retries_left_overdue_by_a_dead_rq_scheduler_are_queued_by_ours(app, own_redis):
    """A SIGKILLed worker's RQ scheduler holds its lock for a minute; its retries still run."""
    from datetime import UTC, datetime

    from portal.jobs import job_path
    from portal.jobs.retries import release_overdue_retries

    own_redis.start()
    with other_app(app, REDIS_URL=own_redis.url) as portal, portal.app_context():
        queue = get_queue()
        now = datetime.now(UTC)
        for label, when in (("overdue", -60), ("just due", -2), ("later", 60)):
            queue.enqueue_at(
                now + timedelta(seconds=when),
                "portal.jobs.runner.run_job",
                job_path(_marker),
                [label],
                {},
            )
        assert release_overdue_retries() == 1  # a live RQ scheduler gets to "just due" itself
        assert release_overdue_retries() == 0
        assert queue.count == 1
        _drain(portal)
        assert _markers() == ["overdue"]
