"""The job backbone: in-process without Redis, through an RQ worker with Redis; retries; emails."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.models import AuditLog
from portal.extensions import db
from portal.jobs import enqueue, enqueue_after_commit
from portal.mail.delivery import deliver_email
from portal.mail.jobs import resend_unsent_emails
from portal.mail.models import OutboundEmail
from portal.mail.services import send_email
from tests.conftest import BACKEND, IN_CI, TEST_REDIS_URL


def record_marker(label: str) -> None:
    """A job that writes an audit row, so a test can see it ran (and how often)."""
    from portal.core import audit

    audit.record("test.job_ran", summary=label, user_id=None)
    db.session.commit()


_failures = {"left": 0}


def flaky_marker(label: str) -> None:
    """Fails the first `_failures['left']` times, then records like `record_marker`."""
    if _failures["left"] > 0:
        _failures["left"] -= 1
        raise RuntimeError("temporary failure")
    record_marker(label)


def _markers() -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "test.job_ran"))
    )


def test_enqueued_job_runs(app, run_jobs):
    job_id = enqueue(record_marker, "hello")
    if app.config.get("REDIS_URL"):
        assert job_id is not None
        assert _markers() == []  # queued, not yet run: a worker must pick it up
        assert run_jobs() == 1
    else:
        assert job_id is None  # ran in-process
    assert _markers() == ["hello"]


def test_failed_job_is_retried_until_it_succeeds(app, run_jobs):
    _failures["left"] = 2
    enqueue(flaky_marker, "eventually")
    run_jobs()
    if app.config.get("REDIS_URL"):
        run_jobs()  # retries with zero back-off in tests are re-queued at once
        run_jobs()
    assert _markers() == ["eventually"]


def test_job_enqueued_after_commit_only_runs_once_the_data_is_committed(app, run_jobs):
    enqueue_after_commit(record_marker, "after-commit")
    run_jobs()
    assert _markers() == []
    db.session.commit()
    run_jobs()
    assert _markers() == ["after-commit"]


def test_rolled_back_transaction_enqueues_nothing(app, run_jobs):
    enqueue_after_commit(record_marker, "never")
    db.session.rollback()
    db.session.commit()
    run_jobs()
    assert _markers() == []


def test_email_is_stored_then_delivered_over_smtp_once(app, outbox, run_jobs):
    with app.test_request_context():
        email = send_email(
            "someone@example.org",
            "Hello",
            "emails/organisation_decision.txt",
            organisation=type("O", (), {"name": "Test Org", "status": "approved"})(),
        )
        db.session.commit()
    [message] = outbox.to("someone@example.org")
    assert message["Subject"] == "Hello"
    assert "Test Org is now approved" in message.get_payload(decode=True).decode()
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email.id).sent_at is not None
    # Running the delivery job again (a retry, or the sweep) sends nothing more.
    deliver_email(email.id)
    assert len(outbox.to("someone@example.org")) == 1


def test_unsent_email_survives_a_lost_job_and_the_sweep_sends_it(app, outbox, run_jobs):
    email = OutboundEmail(to="late@example.org", subject="Lost", body="Body")
    db.session.add(email)
    db.session.commit()
    from datetime import timedelta

    email.created_at = email.created_at - timedelta(minutes=30)
    db.session.commit()
    assert outbox.to("late@example.org") == []
    assert resend_unsent_emails() == 1
    assert [m["Subject"] for m in outbox.to("late@example.org")] == ["Lost"]


def test_smtp_failure_leaves_the_email_unsent_for_a_retry(app, outbox):
    email = OutboundEmail(to="down@example.org", subject="Down", body="Body")
    db.session.add(email)
    db.session.commit()
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    try:
        with pytest.raises(OSError):
            deliver_email(email.id)
    finally:
        app.config["MAIL_PORT"] = port
    db.session.expire_all()
    stored = db.session.get(OutboundEmail, email.id)
    assert stored.sent_at is None and stored.attempts == 1 and stored.last_error
    deliver_email(email.id)
    assert len(outbox.to("down@example.org")) == 1


def test_redis_pass_runs_under_ci():
    """Under CI the suite must also run against Redis (the second pass of make test)."""
    if IN_CI and BACKEND == "postgres":
        assert TEST_REDIS_URL, "the PostgreSQL pass must have TEST_REDIS_URL"
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_when_redis_is_down_the_write_survives_and_the_sweep_delivers_later(app, outbox):
    """A dead Redis must not lose the email: the row is committed, enqueue fails quietly."""
    from datetime import timedelta

    from portal import create_app

    broken = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1
    )
    with broken.test_request_context():
        send_email(
            "kept@example.org",
            "Kept",
            "emails/organisation_decision.txt",
            organisation=type("O", (), {"name": "Kept Org", "status": "approved"})(),
        )
        db.session.commit()  # must not raise although the enqueue fails
        db.session.remove()
    with broken.app_context():
        db.engine.dispose()
    stored = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to == "kept@example.org"))
    assert stored is not None and stored.sent_at is None
    assert outbox.to("kept@example.org") == []
    stored.created_at -= timedelta(minutes=10)
    db.session.commit()
    resend_unsent_emails()
    assert [m["Subject"] for m in outbox.to("kept@example.org")] == ["Kept"]
