"""The demo seeder gives the first demo person digest choices with items waiting, once."""

from __future__ import annotations

from portal.extensions import db
from portal.notifications import demo, jobs, services
from portal.notifications.kinds import DIGEST, EVENT_REMINDERS, NONE, PLEDGE_REMINDERS
from portal.notifications.models import DigestItem
from tests.factories import OrganisationFactory, member_of


def test_the_demo_person_has_choices_and_a_digest_waiting(outbox) -> None:
    person = member_of(OrganisationFactory())
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    db.session.commit()
    choices = services.choices_for(person.id)
    assert choices[EVENT_REMINDERS] == DIGEST and choices[PLEDGE_REMINDERS] == NONE
    assert db.session.query(DigestItem).count() == len(demo.ITEMS)
    assert jobs.send_weekly_digests() == 1
    assert "Meet the buyer" in outbox.body(outbox.to(person.email)[0])
