"""The migrations build exactly the schema the models describe, on this pass's database."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from config import normalise_database_url
from portal.extensions import db
from tests.conftest import TEST_DATABASE_URL

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _alembic_config(url: str) -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def test_migrations_have_a_single_head():
    script = ScriptDirectory.from_config(_alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1, (
        f"several heads: {script.get_heads()}; add a merge revision"
    )


def test_upgrade_from_empty_matches_the_models(app, tmp_path):
    if TEST_DATABASE_URL:
        base, name = normalise_database_url(TEST_DATABASE_URL).rsplit("/", 1)
        check_name = f"{name}_migration_check"
        url = f"{base}/{check_name}"
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{check_name}"'))
            conn.execute(text(f'CREATE DATABASE "{check_name}"'))
        admin.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    # Flask-Migrate's env.py reads the URL from the app, so run it under an app built for `url`.
    from portal import create_app

    migrated_app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with migrated_app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
