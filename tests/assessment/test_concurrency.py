"""Optimistic locking under real concurrency, and starting when frameworks were never loaded."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, text

from portal.assessment.models import Criterion, Dimension, Framework
from portal.assessment.services import current_year, start_assessment
from portal.extensions import db
from tests.assessment.factories import make_assessment
from tests.conftest import needs
from tests.factories import OrganisationFactory, member_of

CLAIM = text("UPDATE assessments SET version = version + 1 WHERE id = :id AND version = :expected")


@pytest.mark.postgres
def test_two_simultaneous_saves_from_the_same_version_only_one_wins(app):
    """The second UPDATE waits on the first's row lock, then re-checks `version` and misses."""
    if db.engine.dialect.name != "postgresql":
        needs("row-lock behaviour is checked on PostgreSQL")
    assessment = make_assessment(OrganisationFactory(), current_year(), submitted=False)
    first = db.engine.connect()
    second = db.engine.connect()
    outcome: dict[str, int] = {}
    try:
        first.begin()
        outcome["first"] = first.execute(CLAIM, {"id": assessment.id, "expected": 1}).rowcount

        def save_second() -> None:
            with second.begin():
                outcome["second"] = second.execute(
                    CLAIM, {"id": assessment.id, "expected": 1}
                ).rowcount

        thread = threading.Thread(target=save_second)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second save should be waiting for the first"
        first.commit()
        thread.join(timeout=5)
    finally:
        first.close()
        second.close()
    assert outcome == {"first": 1, "second": 0}
    db.session.expire_all()
    assert db.session.get(type(assessment), assessment.id).version == 2


def test_starting_loads_the_frameworks_if_nobody_has(client, login):
    db.session.execute(delete(Criterion))
    db.session.execute(delete(Dimension))
    db.session.execute(delete(Framework))
    db.session.commit()
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = start_assessment(organisation, current_year(), user)
    db.session.commit()
    assert assessment.framework.variant == "anchor"
    assert len(assessment.framework.criteria) == 18
