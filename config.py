"""Configuration classes. `create_app(config_name)` picks one; the PORTAL_CONFIG or
FLASK_CONFIG environment variable picks the default. Development needs nothing installed beyond
Python: SQLite under instance/, jobs run in-process, emails written to instance/outbox/.

Nothing here reads the environment when imported: `create_app` calls `Config.from_environment`
while it builds the app, and the production guard checks the config the app will run with.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105 - refused in production


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver, which is the one we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # SQLite in the instance folder unless DATABASE_URL
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL: str | None = None
    RQ_QUEUE = "default"
    JOB_RETRY_INTERVALS = [10, 60, 300]  # seconds between RQ retries of a failed job

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
    # Failed sign-ins only: per account, and per address high enough for a shared office.
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
    LOGIN_ADDRESS_RATE_LIMIT = "100 per 15 minutes"
    SIGNUP_RATE_LIMIT = "10 per hour"
    RESET_RATE_LIMIT = "5 per hour"

    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
    EMAIL_VERIFY_MAX_AGE = 7 * 24 * 60 * 60
    INVITATION_DAYS = 14
    # argon2 cost; tests lower it so the suite stays quick.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    JOBS_IN_PROCESS_ATTEMPTS = 3
    # How often a scheduler (`jobs run-periodic --loop`, or `flask serve`) looks for due jobs.
    SCHEDULER_TICK_SECONDS = 30
    HSTS = False

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
        }
        for name in (
            "SECRET_KEY",
            "RQ_QUEUE",
            "PUBLIC_BASE_URL",
            "MAIL_DEFAULT_SENDER",
            "SUPPORT_EMAIL",
        ):
            if get(name):
                values[name] = get(name)
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


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    JOB_RETRY_INTERVALS = [0, 0, 0]
    PUBLIC_BASE_URL = "http://localhost"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], instance_dir: Path) -> dict[str, Any]:
        # Tests never pick up a developer's DATABASE_URL or REDIS_URL: they pass overrides.
        return {"UPLOAD_FOLDER": str(instance_dir / "uploads")}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def init_app(cls, app: Flask) -> None:
        """Refuse the development key, SQLite or no Redis in the config the app will run with."""
        config = app.config
        missing = []
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
            missing.append("SECRET_KEY")
        if str(config.get("SQLALCHEMY_DATABASE_URI") or "sqlite").startswith("sqlite"):
            missing.append("DATABASE_URL")
        if not config.get("REDIS_URL"):
            missing.append("REDIS_URL")
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
