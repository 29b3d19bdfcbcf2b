"""Optimistic locking under real concurrency (through the service), and starting when
frameworks were never loaded."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete

from portal.assessment.models import Assessment, Criterion, Dimension, Framework
from portal.assessment.services import (
    ConflictError,
    current_year,
    save_answers,
    start_assessment,
)
from portal.extensions import db
from tests.assessment.factories import make_assessment
from tests.conftest import needs
from tests.factories import OrganisationFactory, member_of


@pytest.mark.postgres
def test_two_people_saving_from_the_same_version_only_the_first_is_kept(app):
    """Two members save the same draft at once: the service keeps the first, the second is told.

    Each person is a thread with its own app context (so its own session and connection) calling
    `save_answers`. The first holds its transaction open; the second's save must wait for it and
    then be refused with the conflict message, and the first person's answer is what is stored.
    """
    if db.engine.dialect.name != "postgresql":
        needs("row-lock behaviour is checked on PostgreSQL")
    assessment = make_assessment(OrganisationFactory(), current_year(), submitted=False)
    db.session.commit()
    assessment_id, version = assessment.id, assessment.version
    criterion_id = assessment.framework.criteria[0].id
    first_saved, first_may_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def save(who: str, level: int) -> None:
        with app.app_context():
            try:
                mine = db.session.get(Assessment, assessment_id)
                assert mine is not None
                outcome[who] = save_answers(mine, version, {criterion_id: {"level": level}})
                if who == "first":
                    first_saved.set()
                    first_may_commit.wait(timeout=10)
                db.session.commit()
            except ConflictError as error:
                db.session.rollback()
                outcome[who] = str(error)
            finally:
                first_saved.set()
                db.session.remove()

    first = threading.Thread(target=save, args=("first", 3))
    second = threading.Thread(target=save, args=("second", 1))
    first.start()
    assert first_saved.wait(timeout=10)
    second.start()
    second.join(timeout=0.5)
    assert second.is_alive(), "the second save should wait for the first to commit"
    first_may_commit.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert outcome["first"] == version + 1
    assert str(outcome["second"]).startswith("Someone else in your organisation saved this")
    db.session.expire_all()
    stored = db.session.get(Assessment, assessment_id)
    assert stored is not None and stored.version == version + 1
    assert stored.answers_by_criterion()[criterion_id].level == 3


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
