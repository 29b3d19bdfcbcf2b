"""The features that send these kinds go through notify: each honours the person's choice and
carries the link to change it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal.assessment.frameworks import load_frameworks
from portal.assessment.jobs import send_overdue_action_reminders
from portal.assessment.models import Action
from portal.assessment.services import current_year
from portal.core.models import utcnow
from portal.events import jobs as event_jobs
from portal.events import services as event_services
from portal.exchange.messages import post_message
from portal.exchange.models import SIDE_OFFER, SIDE_REQUEST
from portal.extensions import db
from portal.notifications import jobs, services
from portal.notifications.kinds import (
    ASSESSMENT_REMINDERS,
    DIGEST,
    EVENT_REMINDERS,
    EXCHANGE_MESSAGES,
    NONE,
    PLEDGE_REMINDERS,
)
from portal.notifications.models import DigestItem
from portal.notifications.tokens import read_choice_token
from portal.pledges.catalogue import load_catalogue
from portal.pledges.jobs import send_overdue_update_reminders
from tests.assessment.factories import make_assessment
from tests.events.factories import make_event
from tests.exchange.factories import ListingFactory, MatchFactory
from tests.factories import OrganisationFactory, UserFactory, admin_of
from tests.notifications.helpers import choice_paths
from tests.pledges.factories import make_pledge


def _link_names(body: str) -> tuple[int, str]:
    [path] = choice_paths(body)
    user, kind = read_choice_token(path.rsplit("/", 1)[1])
    return user.id, kind.code


def test_event_reminders_go_to_the_digest_for_someone_who_chose_it(outbox) -> None:
    event = make_event(title="Meet the buyer", capacity=3, starts_in=timedelta(hours=20))
    now_person, digest_person = UserFactory(), UserFactory()
    event_services.sign_up(event, now_person)
    event_services.sign_up(event, digest_person)
    services.set_choice(digest_person.id, EVENT_REMINDERS, DIGEST)
    db.session.commit()

    event_jobs.send_event_reminders()
    [message] = outbox.to(now_person.email)
    assert _link_names(outbox.body(message)) == (now_person.id, EVENT_REMINDERS)
    assert outbox.to(digest_person.email) == []

    assert jobs.send_weekly_digests() == 1
    [digest] = outbox.to(digest_person.email)
    assert "Meet the buyer starts tomorrow" in outbox.body(digest)


def test_exchange_messages_follow_the_choice_and_other_exchange_emails_do_not(outbox) -> None:
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    writer, reader = admin_of(ours), admin_of(theirs)
    match = MatchFactory(
        offer=ListingFactory(organisation=ours, side=SIDE_OFFER),
        request=ListingFactory(organisation=theirs, side=SIDE_REQUEST),
        initiated_by_organisation_id=ours.id,
    )
    post_message(match, ours.id, writer, "First message")
    db.session.commit()
    [message] = outbox.to(reader.email)
    assert message["Subject"] == "New message about an exchange"
    assert _link_names(outbox.body(message)) == (reader.id, EXCHANGE_MESSAGES)

    services.set_choice(reader.id, EXCHANGE_MESSAGES, NONE)
    post_message(match, ours.id, writer, "Second message")
    db.session.commit()
    assert len(outbox.to(reader.email)) == 1
    assert db.session.scalar(select(func.count(DigestItem.id))) == 0


def test_pledge_reminders_follow_the_choice(outbox) -> None:
    load_catalogue()
    today = utcnow().date()
    organisation = OrganisationFactory()
    keen, quiet = admin_of(organisation), admin_of(organisation)
    services.set_choice(quiet.id, PLEDGE_REMINDERS, NONE)
    db.session.commit()
    make_pledge(organisation, start=today - timedelta(days=120), end=today + timedelta(days=365))

    send_overdue_update_reminders()
    [message] = outbox.to(keen.email)
    assert _link_names(outbox.body(message)) == (keen.id, PLEDGE_REMINDERS)
    assert outbox.to(quiet.email) == []


def test_assessment_reminders_follow_the_choice(outbox) -> None:
    load_frameworks()
    organisation = OrganisationFactory()
    keen, weekly = admin_of(organisation), admin_of(organisation)
    services.set_choice(weekly.id, ASSESSMENT_REMINDERS, DIGEST)
    assessment = make_assessment(organisation, current_year())
    db.session.add(
        Action(
            assessment_id=assessment.id,
            criterion_id=assessment.framework.criteria[0].id,
            description="Pilot guaranteed interviews",
            owner="Head of HR",
            due_date=utcnow().date() - timedelta(days=3),
            status="in_progress",
        )
    )
    db.session.commit()

    send_overdue_action_reminders()
    [message] = outbox.to(keen.email)
    assert _link_names(outbox.body(message)) == (keen.id, ASSESSMENT_REMINDERS)
    assert outbox.to(weekly.email) == []
    [item] = db.session.scalars(select(DigestItem)).all()
    assert item.user_id == weekly.id and "Pilot guaranteed interviews" in item.body
