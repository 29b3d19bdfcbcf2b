"""Shared fixtures: the app on SQLite (default) or PostgreSQL + Redis (TEST_DATABASE_URL and
TEST_REDIS_URL set), a CSRF-aware client, a real local SMTP server, a job drain and factories.

Under CI=true a test that needs PostgreSQL, Redis or Chromium never skips: it runs or fails.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text

from config import normalise_database_url
from portal import create_app
from portal.core.reference import seed_reference_data
from portal.extensions import db, limiter
from portal.insights.read import forget_kept_reads
from portal.orgs.services import seed_networks

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
BACKEND = "postgres" if TEST_DATABASE_URL else "sqlite"


def needs(reason: str) -> None:
    """Skip outside CI with a clear reason; fail under CI, where nothing may skip."""
    if IN_CI:
        pytest.fail(f"Required under CI=true but unavailable: {reason}")
    pytest.skip(reason)


class SmtpSink:
    """Collects what a real aiosmtpd server receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[str, int, SmtpSink]]:
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port to test-connect to
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield "127.0.0.1", port, sink
    controller.stop()


@pytest.fixture(scope="session")
def app(
    tmp_path_factory: pytest.TempPathFactory, smtp_server: tuple[str, int, SmtpSink]
) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("portal")
    host, port, _ = smtp_server
    overrides: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'test.sqlite'}",
        "UPLOAD_FOLDER": str(tmp / "uploads"),
        "MAIL_SERVER": host,
        "MAIL_PORT": port,
    }
    if TEST_DATABASE_URL:
        overrides["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(TEST_DATABASE_URL)
    elif IN_CI and os.environ.get("PORTAL_REQUIRE_POSTGRES") == "1":
        pytest.fail("TEST_DATABASE_URL must be set for the PostgreSQL pass under CI=true")
    if TEST_REDIS_URL:
        overrides["REDIS_URL"] = TEST_REDIS_URL
        overrides["RATELIMIT_STORAGE_URI"] = TEST_REDIS_URL
    app = create_app("testing", **overrides)
    with app.app_context():
        if BACKEND == "postgres":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_database() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
    else:
        for table in tables:
            db.session.execute(text(f'DELETE FROM "{table}"'))
    db.session.commit()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` need the PostgreSQL pass (TEST_DATABASE_URL)."""
    if item.get_closest_marker("postgres") and BACKEND != "postgres":
        needs("needs PostgreSQL: set TEST_DATABASE_URL (the second pass of `make test`)")


@pytest.fixture(autouse=True)
def app_context(app: Flask, smtp_server: tuple[str, int, SmtpSink]) -> Iterator[None]:
    """Each test starts with reference data only, an empty outbox, rate limits and queue reset,
    and no insights answers kept from another test's snapshot (ids restart with the tables)."""
    with app.app_context():
        _empty_database()
        forget_kept_reads()
        seed_reference_data()
        seed_networks()
        db.session.commit()
        smtp_server[2].messages.clear()
        limiter.reset()
        if app.config.get("REDIS_URL"):
            from portal.jobs import redis_connection

            redis_connection().flushdb()
        yield
        db.session.rollback()
        db.session.remove()


@pytest.fixture
def build_app(app: Flask) -> Iterator[Any]:
    """`create_app` for a test that needs another configuration or environment.

    The rate limiter is one object shared by every app, and building an app points it at that
    app's storage; afterwards it is pointed back at the suite's, and the apps' database
    connections are closed.
    """
    saved = limiter._storage, limiter._limiter
    built: list[Flask] = []

    def build(*args: Any, **kwargs: Any) -> Flask:
        built.append(create_app(*args, **kwargs))
        return built[-1]

    yield build
    limiter._storage, limiter._limiter = saved
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


class CsrfClient(FlaskClient):
    """A test client that adds a valid CSRF token to form posts, as a browser would.

    Pass `csrf=False` to post without one (to prove it is rejected)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        add_token = kwargs.pop("csrf", True)
        method = kwargs.get("method", "GET").upper()
        if add_token and method == "POST" and kwargs.get("json") is None:
            data = kwargs.get("data")
            if data is None:
                data = kwargs["data"] = {}
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self._csrf_token()
        return super().open(*args, **kwargs)

    def _csrf_token(self) -> str:
        app = self.application
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = os.urandom(20).hex()
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CsrfClient
    return app.test_client()


class Outbox:
    """Emails as the SMTP server received them, after any queued delivery jobs have run."""

    def __init__(self, sink: SmtpSink, drain: Any) -> None:
        self._sink = sink
        self._drain = drain

    @property
    def messages(self) -> list[Message]:
        self._drain()
        return list(self._sink.messages)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message: Message) -> str:
        return message.get_payload(decode=True).decode()


@pytest.fixture
def run_jobs(app: Flask):
    """Run queued jobs now: an RQ SimpleWorker in burst mode with Redis; no-op in-process."""

    def drain() -> int:
        if not app.config.get("REDIS_URL"):
            return 0
        from rq import SimpleWorker

        from portal.jobs import get_queue

        queue = get_queue()
        waiting = queue.count
        worker = SimpleWorker([queue], connection=queue.connection)
        worker.work(burst=True, with_scheduler=False)
        return waiting

    return drain


@pytest.fixture
def outbox(smtp_server: tuple[str, int, SmtpSink], run_jobs: Any) -> Outbox:
    return Outbox(smtp_server[2], run_jobs)


@pytest.fixture
def factories():
    from tests import factories as module

    return module


@pytest.fixture
def login(client: FlaskClient):
    """Sign `user` in through the real sign-in form."""
    from tests.factories import PASSWORD

    def do_login(user: Any, password: str = PASSWORD) -> Any:
        response = client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, f"sign-in failed for {user.email}"
        return response

    return do_login


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free local port, for browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):
    """`with count_queries() as counter: ...` then assert on `counter.count` (N+1 checks)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def before_cursor_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before_cursor_execute)

    return counting
