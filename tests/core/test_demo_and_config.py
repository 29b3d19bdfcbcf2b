"""Demo people and organisations, and the production configuration's refusals."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import User
from portal.demo.people import DEMO_PASSWORD, demo_logins, seed_people_and_organisations
from portal.extensions import db, limiter
from portal.orgs.models import Organisation


def test_demo_people_are_idempotent_and_cover_every_role(client):
    seed_people_and_organisations()
    db.session.commit()
    seed_people_and_organisations()
    db.session.commit()
    assert db.session.scalar(select(func.count(Organisation.id))) == 60
    kinds = dict(
        db.session.execute(
            select(Organisation.kind, func.count()).group_by(Organisation.kind)
        ).all()
    )
    assert kinds["public_anchor"] >= 2 and kinds["business_anchor"] >= 2 and kinds["vcse"] >= 2
    logins = demo_logins()
    assert len({email for _, _, email in logins}) == len(logins)
    # Every printed login really signs in.
    for _, _, email in logins:
        limiter.reset()  # the sign-in limit is per address; this is one client signing in 14 times
        response = client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.post("/sign-out")
    admin = db.session.scalar(select(User).where(User.email.like("admin@%")))
    assert admin.is_platform_admin
    convenors = [u for u in db.session.scalars(select(User)) if u.is_convenor]
    assert sorted(a.code for u in convenors for a in u.convenor_ambitions) == [
        "GROWING",
        "HEALTHY",
        "RESILIENT",
        "THRIVING",
    ]


def test_production_refuses_to_start_without_its_settings(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL, REDIS_URL"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch, app):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@127.0.0.1:1/never-connected")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    production = create_app("production")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = production.test_client().get("/about")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_production_reads_the_environment_set_after_config_is_imported(monkeypatch):
    """The environment is read when the app is built, not when `config` is first imported."""
    import config

    assert config  # imported before the environment below is set
    monkeypatch.setenv("SECRET_KEY", "a-real-production-key-" + "x" * 20)
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.example.org/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    production = create_app("production")
    assert production.config["SECRET_KEY"] == "a-real-production-key-" + "x" * 20
    assert production.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://portal@db.example.org/portal"
    )
    assert production.config["REDIS_URL"] == "redis://127.0.0.1:6379/14"
    assert production.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/14"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", ""),
        ("DATABASE_URL", "sqlite:////tmp/portal.sqlite"),
        ("REDIS_URL", ""),
    ],
)
def test_production_refuses_no_key_sqlite_and_no_redis(monkeypatch, name, value):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.example.org/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=f"refuses to start without: {name}$"):
        create_app("production")


def test_production_guard_checks_the_config_the_app_runs_with(monkeypatch):
    """Overrides count too: a production app pointed at SQLite is refused whatever the env says."""
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.example.org/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production", SQLALCHEMY_DATABASE_URI="sqlite://")


def test_testing_config_ignores_a_developers_database_and_redis(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://portal@db.example.org/portal")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/14")
    testing = create_app("testing")
    assert testing.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert testing.config["REDIS_URL"] is None


def test_demo_data_is_seeded_in_dependency_order():
    """Pledges link to demo exchanges and activities to both, so they are seeded after them;
    insights computes its figures from all of them, last."""
    from flask import current_app

    from portal import app_features
    from portal.core.features import demo_seeding_order

    order = [f.name for f in demo_seeding_order(list(app_features(current_app)))]
    # Insights computes the figures from everyone else's demo data; the State of the City
    # report is built from those figures, last.
    assert order == [
        "notifications",
        "assessment",
        "exchange",
        "pledges",
        "scorecard",
        "activities",
        "initiatives",
        "insights",
        "events",
        "groups",
        "voices",  # stories link to demo events; the report freezes them
        "report",
    ]


def test_the_served_app_freezes_what_start_up_built(tmp_path):
    """gunicorn's app (wsgi.py) moves its start-up objects out of the garbage collector's
    passes, so a full collection does not pause a request to walk them."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORTAL_CONFIG": "development",
        "PORTAL_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite'}",
    }
    frozen = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(frozen.stdout.split()[-1]) > 10_000
