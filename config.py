"""Configuration classes. `create_app(config_name)` picks one; the PORTAL_CONFIG or
FLASK_CONFIG environment variable picks the default. Development needs nothing installed beyond
Python: SQLite under instance/, jobs run in-process, emails written to instance/outbox/.

Nothing here reads the environment when imported: `create_app` calls `Config.from_environment`
while it builds the app, and the production guard checks the config the app will run with.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

log = logging.getLogger(__name__)
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key


def instance_secret_key(instance_dir: Path) -> str:
    """This instance's own key, made on first run and kept in `instance/secret_key` (mode 0600).

    The new key is written to a private temporary file and then hard-linked into place, which
    fails if the file already exists: two processes starting together both end up reading the
    one key that was linked first, and nobody ever reads a half-written file.
    """
    path = instance_dir / SECRET_KEY_FILE
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        temporary = instance_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first: use its key
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to make a new key, or set SECRET_KEY")
    return key


def _whole_number(environ: Mapping[str, str], name: str) -> int:
    value = (environ.get(name) or "0").strip()
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return (environ.get(name) or "").strip().lower() in ("1", "true", "yes")


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver, which is the one we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Worker timings an operator (or a test's worker process) may set in the environment.
WORKER_TIMINGS = (
    "JOB_MONITORING_INTERVAL",
    "JOB_HEARTBEAT_GRACE",
    "RQ_MAINTENANCE_INTERVAL",
    "RQ_WORKER_TTL",
)


class Config:
    # Never a constant in the repository: SECRET_KEY from the environment, else (development
    # only) the instance's own generated key; production refuses to start without one.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # SQLite in the instance folder unless DATABASE_URL
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    RQ_QUEUE = "default"
    JOB_RETRY_INTERVALS = [10, 60, 300]  # seconds between RQ retries of a failed job
    # The wall's CSV streams at once up to this many pledges; a larger one is prepared by a job.
    PLEDGE_EXPORT_STREAM_MAX = 5000
    PLEDGE_EXPORT_DIR: str | None = None  # where prepared files go; default <instance>/exports
    REDIS_CONNECT_TIMEOUT = 2  # seconds; a dead Redis must not hold a request for long
    # An enqueue that reaches Redis also pushes jobs kept while it was down, checked this often.
    PENDING_FLUSH_CHECK_SECONDS = 5
    # A worker killed mid-job: its job's heartbeat lapses JOB_HEARTBEAT_GRACE seconds after the
    # last one (sent every JOB_MONITORING_INTERVAL), and a worker's maintenance, every
    # RQ_MAINTENANCE_INTERVAL, retries it. RQ_WORKER_TTL - 15 is how long a worker blocks
    # waiting for a job, so it also bounds how late maintenance runs on an idle worker.
    JOB_MONITORING_INTERVAL = 10
    JOB_HEARTBEAT_GRACE = 20
    RQ_MAINTENANCE_INTERVAL = 15
    RQ_WORKER_TTL = 35

    SERVER_NAME: str | None = None
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Anchor Portal <noreply@anchor.test>"
    MAIL_OUTBOX_DIR: str | None = None
    # Where a suspended organisation's members are told to write (the platform administrators).
    SUPPORT_EMAIL = "support@anchor.test"

    UPLOAD_FOLDER: str | None = None  # instance/uploads unless UPLOAD_FOLDER
    MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # Slightly above the per-file limit so an oversized file gets a form message, not a 413.
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # Redis down: count in this process's memory instead of failing the request, and check
    # Redis again with back-off; anything else the storage raises is logged, not a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    # Failed sign-ins only: per account, and per address high enough for a shared office.
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
    LOGIN_ADDRESS_RATE_LIMIT = "100 per 15 minutes"
    SIGNUP_RATE_LIMIT = "10 per hour"
    RESET_RATE_LIMIT = "5 per hour"
    # The open data API (/api/v1/), per client address.
    API_RATE_LIMIT = "120 per minute"

    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
    EMAIL_VERIFY_MAX_AGE = 7 * 24 * 60 * 60
    INVITATION_DAYS = 14
    # argon2 cost; tests lower it so the suite stays quick.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    JOBS_IN_PROCESS_ATTEMPTS = 3
    # Refresh the convenor insights when their data changes (tests turn it on where they need it).
    INSIGHTS_AUTO_REFRESH = True
    # How often a scheduler (`jobs run-periodic --loop`, or `flask serve`) looks for due jobs:
    # often, so the 20-second email sweep catches up soon after Redis returns.
    SCHEDULER_TICK_SECONDS = 5
    HSTS = False
    # How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto. 0 trusts
    # no header, so a client cannot pick its own address for the rate limits and the audit log.
    TRUSTED_PROXIES = 0
    # Production only: run over plain http on a private test host (no Secure cookies, no HSTS).
    INSECURE_HTTP = False

    # 360Giving open data of the exchange's delivered funding (/exchange/open-data). The grant
    # prefix should be the one 360Giving registers for the publisher (it starts 360G-);
    # organisations with no charity or company number get GIVING360_ORG_PREFIX-<id>, by default
    # the grant prefix followed by "-org".
    GIVING360_PREFIX = "360G-anchorportal"
    GIVING360_ORG_PREFIX: str | None = None
    GIVING360_PUBLISHER_NAME = "Anchor Portal"
    GIVING360_PUBLISHER_IDENTIFIER = ""  # the publisher's own org-id, e.g. GB-CHC-1234567
    GIVING360_PUBLISHER_WEBSITE: str | None = None  # PUBLIC_BASE_URL unless set
    GIVING360_LICENSE = "https://creativecommons.org/licenses/by/4.0/"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], instance_dir: Path) -> dict[str, Any]:
        """The settings the environment gives, read when the app is built."""
        get = environ.get
        values: dict[str, Any] = {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(
                get("DATABASE_URL") or f"sqlite:///{instance_dir / 'portal.sqlite'}"
            ),
            "REDIS_URL": get("REDIS_URL") or None,
            "RATELIMIT_STORAGE_URI": get("REDIS_URL") or "memory://",
            "UPLOAD_FOLDER": get("UPLOAD_FOLDER") or str(instance_dir / "uploads"),
            "MAIL_SERVER": get("MAIL_SERVER") or None,
            "MAIL_PORT": int(get("MAIL_PORT") or "25"),
            "MAIL_USE_TLS": (get("MAIL_USE_TLS") or "false").lower() == "true",
            "MAIL_USERNAME": get("MAIL_USERNAME") or None,
            "MAIL_PASSWORD": get("MAIL_PASSWORD") or None,
            "SERVER_NAME": get("SERVER_NAME") or None,
            "TRUSTED_PROXIES": _whole_number(environ, "TRUSTED_PROXIES"),
        }
        for name in (
            "SECRET_KEY",
            "RQ_QUEUE",
            "PUBLIC_BASE_URL",
            "MAIL_DEFAULT_SENDER",
            "SUPPORT_EMAIL",
            "GIVING360_PREFIX",
            "GIVING360_ORG_PREFIX",
            "GIVING360_PUBLISHER_NAME",
            "GIVING360_PUBLISHER_IDENTIFIER",
            "GIVING360_PUBLISHER_WEBSITE",
            "GIVING360_LICENSE",
        ):
            if get(name):
                values[name] = get(name)
        for name in WORKER_TIMINGS:
            if get(name):
                values[name] = int(get(name) or 0)
        return values

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Hook for settings that must be checked when the app is built."""


class DevelopmentConfig(Config):
    DEBUG = False

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], instance_dir: Path) -> dict[str, Any]:
        return {
            **super().from_environment(environ, instance_dir),
            "MAIL_OUTBOX_DIR": str(instance_dir / "outbox"),
        }

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Without SECRET_KEY, use the key this instance generated for itself."""
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    JOB_RETRY_INTERVALS = [0, 0, 0]
    PUBLIC_BASE_URL = "http://localhost"
    INSIGHTS_AUTO_REFRESH = False

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], instance_dir: Path) -> dict[str, Any]:
        # Tests never pick up a developer's DATABASE_URL or REDIS_URL: they pass overrides.
        return {"UPLOAD_FOLDER": str(instance_dir / "uploads")}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], instance_dir: Path) -> dict[str, Any]:
        return {
            **super().from_environment(environ, instance_dir),
            "INSECURE_HTTP": _flag(environ, "PORTAL_INSECURE_HTTP"),
        }

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Refuse no SECRET_KEY, SQLite or no Redis in the config the app will run with."""
        config = app.config
        missing = []
        if not config.get("SECRET_KEY"):
            missing.append("SECRET_KEY")
        if str(config.get("SQLALCHEMY_DATABASE_URI") or "sqlite").startswith("sqlite"):
            missing.append("DATABASE_URL")
        if not config.get("REDIS_URL"):
            missing.append("REDIS_URL")
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )
        if config.get("INSECURE_HTTP"):
            config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False, HSTS=False)
            log.warning(
                "PORTAL_INSECURE_HTTP is set: cookies are not Secure and there is no HSTS. "
                "Use this only on a private test host, never where real people sign in."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
