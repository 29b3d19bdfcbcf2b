"""Configuration classes. `create_app(config_name)` picks one; the PORTAL_CONFIG or
FLASK_CONFIG environment variable picks the default. Development needs nothing installed beyond
Python: SQLite under instance/, jobs run in-process, emails written to instance/outbox/."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver, which is the one we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-secret-key-change-me")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "default")
    JOB_RETRY_INTERVALS = [10, 60, 300]  # seconds between RQ retries of a failed job

    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Anchor Portal <noreply@anchor.test>"
    )
    MAIL_OUTBOX_DIR: str | None = None

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
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
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    LOGIN_RATE_LIMIT = "5 per minute"
    SIGNUP_RATE_LIMIT = "10 per hour"
    RESET_RATE_LIMIT = "5 per hour"

    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
    EMAIL_VERIFY_MAX_AGE = 7 * 24 * 60 * 60
    INVITATION_DAYS = 14
    # argon2 cost; tests lower it so the suite stays quick.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536

    JOBS_IN_PROCESS_ATTEMPTS = 3
    HSTS = False

    @classmethod
    def init_app(cls, app) -> None:
        """Hook for settings that must be checked when the app is built."""


class DevelopmentConfig(Config):
    DEBUG = False
    MAIL_OUTBOX_DIR = str(INSTANCE_DIR / "outbox")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = None
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_OUTBOX_DIR = None
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    JOB_RETRY_INTERVALS = [0, 0, 0]
    PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def init_app(cls, app) -> None:
        missing = [
            name for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not os.environ.get(name)
        ]
        if missing:
            raise RuntimeError(
                "Production configuration refuses to start without: " + ", ".join(missing)
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
