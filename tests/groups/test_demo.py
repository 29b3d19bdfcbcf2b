"""The demo seeder gives `make run` a few groups to show, one of them members-only."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.groups.demo import seed_demo
from portal.groups.models import (
    MEMBERS_ONLY,
    REQUESTED,
    GroupAction,
    GroupMembership,
    GroupResource,
    GroupUpdate,
    WorkingGroup,
)
from tests.factories import OrganisationFactory, admin_of


def test_the_demo_has_groups_with_members_a_request_updates_resources_and_actions() -> None:
    for _ in range(4):
        admin_of(OrganisationFactory())
    seed_demo()
    groups = list(db.session.scalars(select(WorkingGroup)))
    names = {g.name for g in groups}
    assert {"Inclusive recruitment", "Social value in purchasing", "Scope 3 emissions"} <= names
    assert [g.visibility for g in groups].count(MEMBERS_ONLY) == 1
    assert db.session.query(GroupMembership).filter_by(status=REQUESTED).count() == 1
    assert db.session.query(GroupUpdate).count() >= 4
    assert db.session.query(GroupResource).count() >= 3
    assert db.session.query(GroupAction).count() >= 4
    seed_demo()  # idempotent
    assert db.session.query(WorkingGroup).count() == len(groups)
