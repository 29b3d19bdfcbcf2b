"""The demo seeder turns a few demo activities with partners into initiatives."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.initiatives import demo
from portal.initiatives.models import CONTRIBUTION_SUPERSEDED, Contribution, InitiativeUpdate
from tests.factories import OrganisationFactory, member_of
from tests.initiatives.factories import make_initiative
from tests.insights.test_pages import page_text


def test_demo_initiatives_have_partners_updates_and_contributions(client) -> None:
    made = [make_initiative(partners=2) for _ in range(4)]
    for initiative in made:
        for organisation in initiative.everyone:
            member_of(organisation)
    make_initiative(partners=1)  # one partner only: not picked
    member_of(OrganisationFactory())
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    picked = db.session.scalars(select(Contribution.activity_id).distinct()).all()
    assert sorted(picked) == sorted(i.activity.id for i in made[: demo.DEMO_INITIATIVES])
    count = db.session.scalar(select(func.count()).select_from(Contribution))
    assert count == 3 * demo.DEMO_INITIATIVES + 1  # one correction
    assert (
        db.session.scalar(
            select(func.count()).where(Contribution.status == CONTRIBUTION_SUPERSEDED)
        )
        == 1
    )
    assert db.session.scalar(select(func.count()).select_from(InitiativeUpdate)) >= 6
    text = page_text(client.get(f"/initiatives/{made[0].activity.id}"))
    assert "Kick-off meeting held" in text and "Initiative total" in text
