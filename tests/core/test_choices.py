"""Status and kind words: the database refuses a word the code does not declare."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, inspect
from sqlalchemy.exc import IntegrityError

from portal.assessment.models import VARIANTS
from portal.extensions import db
from portal.orgs.models import ASSESSMENT_VARIANTS, Organisation
from tests.factories import OrganisationFactory

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _model_checks() -> dict[str, set[str]]:
    checks: dict[str, set[str]] = {}
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                checks.setdefault(table.name, set()).add(str(constraint.name))
    return checks


def test_every_status_and_kind_column_declares_its_words():
    checks = _model_checks()
    for table, column in [
        ("organisations", "status"),
        ("organisations", "kind"),
        ("network_memberships", "status"),
        ("memberships", "role"),
        ("assessments", "status"),
        ("assessment_actions", "status"),
        ("exchange_listings", "status"),
        ("exchange_listings", "side"),
        ("exchange_matches", "status"),
        ("scorecard_indicators", "frequency"),
        ("social_value_measures", "direction"),
    ]:
        assert f"ck_{table}_{column}" in checks.get(table, set()), (table, column)


def test_the_database_refuses_an_undeclared_status():
    organisation = OrganisationFactory()
    db.session.commit()
    organisation.status = "approvd"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Organisation, organisation.id).status != "approvd"


def test_network_variants_are_the_assessment_variants():
    assert set(ASSESSMENT_VARIANTS) == set(VARIANTS)


def test_the_migration_adds_the_same_checks_as_the_models(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app

    url = f"sqlite:///{tmp_path / 'checks.sqlite'}"
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        inspector = inspect(db.engine)
        expected = _model_checks()
        for table in inspector.get_table_names():
            found = {check["name"] for check in inspector.get_check_constraints(table)}
            assert found == expected.get(table, set()), table
        db.engine.dispose()
