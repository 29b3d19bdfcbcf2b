"""notify() honours each person's choice; the weekly digest groups, sends once, and only to
the person whose items they are."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from portal.core.models import utcnow
from portal.extensions import db
from portal.jobs.schedule import periodic_job_definitions
from portal.mail.models import OutboundEmail
from portal.notifications import jobs, services
from portal.notifications.kinds import (
    DIGEST,
    EVENT_REMINDERS,
    EXCHANGE_MESSAGES,
    IMMEDIATE,
    NONE,
    PLEDGE_REMINDERS,
)
from portal.notifications.models import DigestItem, NotificationPreference
from portal.notifications.tokens import read_choice_token
from tests.events.factories import make_event
from tests.factories import UserFactory
from tests.insights.test_pages import page_text
from tests.notifications.helpers import choice_paths, remind


def email_count() -> int:
    return db.session.scalar(select(func.count(OutboundEmail.id)))


def choose(user, kind: str, choice: str) -> None:
    services.set_choice(user.id, kind, choice)
    db.session.commit()


def test_by_default_the_email_goes_now_with_a_link_that_changes_the_choice(client, outbox) -> None:
    person = UserFactory(name="Sam Patel")
    event = make_event(title="Meet the buyer")
    email = remind(person, event)
    db.session.commit()

    assert isinstance(email, OutboundEmail)
    [message] = outbox.to(person.email)
    assert message["Subject"] == "Reminder: Meet the buyer is tomorrow"
    body = outbox.body(message)
    assert body.startswith("Hello Sam Patel,")
    assert "This is a reminder that Meet the buyer starts tomorrow." in body
    assert "You get event reminders straight away by email." in body
    [path] = choice_paths(body)
    assert "/account/email-choices" in body

    # The link opens, without signing in, the page for exactly this person and kind.
    page = page_text(client.get(path))
    assert "Event reminders" in page and "Your choice now: Email me straight away" in page
    client.post(path, data={"choice": NONE})
    assert services.choice_for(person.id, EVENT_REMINDERS) == NONE
    assert db.session.scalar(select(func.count(DigestItem.id))) == 0


def test_a_digest_choice_keeps_the_rendered_email_for_later_and_sends_nothing_now(
    outbox,
) -> None:
    person = UserFactory()
    choose(person, EVENT_REMINDERS, DIGEST)
    item = remind(person, make_event(title="Scope 3 workshop"))
    db.session.commit()

    assert isinstance(item, DigestItem)
    assert item.sent_at is None and item.kind == EVENT_REMINDERS
    assert item.subject == "Reminder: Scope 3 workshop is tomorrow"
    assert "Scope 3 workshop starts tomorrow" in item.body
    assert outbox.messages == []
    assert email_count() == 0


def test_none_means_nothing_is_sent_or_kept(outbox) -> None:
    person = UserFactory()
    choose(person, EVENT_REMINDERS, NONE)
    assert remind(person, make_event()) is None
    db.session.commit()
    assert outbox.messages == []
    assert db.session.scalar(select(func.count(DigestItem.id))) == 0


def test_a_choice_for_one_kind_leaves_the_others_alone(outbox) -> None:
    person = UserFactory()
    choose(person, EXCHANGE_MESSAGES, NONE)
    assert isinstance(remind(person, make_event()), OutboundEmail)


def test_a_deactivated_account_is_never_notified(outbox) -> None:
    person = UserFactory(is_active_account=False)
    assert remind(person, make_event()) is None
    db.session.commit()
    assert outbox.messages == []


def test_the_default_is_no_row_and_choices_report_whether_they_changed() -> None:
    person = UserFactory()
    assert services.choices_for(person.id)[EVENT_REMINDERS] == IMMEDIATE
    assert services.set_choice(person.id, EVENT_REMINDERS, IMMEDIATE) is False
    assert db.session.scalar(select(func.count(NotificationPreference.id))) == 0
    assert services.set_choice(person.id, EVENT_REMINDERS, DIGEST) is True
    assert services.set_choice(person.id, EVENT_REMINDERS, DIGEST) is False
    assert services.set_choice(person.id, EVENT_REMINDERS, IMMEDIATE) is True
    db.session.commit()
    assert db.session.scalar(select(func.count(NotificationPreference.id))) == 0


def test_the_weekly_digest_is_on_the_schedule() -> None:
    [job] = [j for j in periodic_job_definitions() if j.name == "weekly-digests"]
    assert job.func_path == "portal.notifications.jobs.send_weekly_digests"
    assert job.every == timedelta(days=7)


def _kept(person, kind: str, subject: str, body: str, days_ago: int) -> DigestItem:
    item = DigestItem(
        user_id=person.id,
        kind=kind,
        subject=subject,
        body=f"Hello {person.name},\n\n{body}\n",
        created_at=utcnow() - timedelta(days=days_ago),
    )
    db.session.add(item)
    db.session.commit()
    return item


def test_the_digest_groups_one_persons_items_by_kind_oldest_first(client, outbox) -> None:
    sam, alex = UserFactory(name="Sam"), UserFactory(name="Alex")
    _kept(sam, EVENT_REMINDERS, "Reminder: B is tomorrow", "B starts tomorrow.", 2)
    _kept(sam, EXCHANGE_MESSAGES, "New message about an exchange", "Northgate wrote.", 1)
    _kept(sam, EVENT_REMINDERS, "Reminder: A is tomorrow", "A starts tomorrow.", 5)
    _kept(alex, PLEDGE_REMINDERS, "Progress report due on 1 pledge", "Alex's pledge.", 1)

    assert jobs.send_weekly_digests() == 2

    [digest] = outbox.to(sam.email)
    assert digest["Subject"] == "Your weekly Anchor Portal digest: 3 updates"
    body = outbox.body(digest)
    assert body.count("Hello Sam,") == 1  # once for the digest, not once per entry
    order = [
        body.index(text)
        for text in (
            "EXCHANGE MESSAGES (1)",
            "Northgate wrote.",
            "EVENT REMINDERS (2)",
            "Reminder: A is tomorrow",
            "A starts tomorrow.",
            "Reminder: B is tomorrow",
        )
    ]
    assert order == sorted(order)
    assert "Alex's pledge" not in body and "PLEDGE" not in body
    # Each kind in the digest has its own link, naming Sam and that kind.
    paths = choice_paths(body)
    assert len(paths) == 2
    named = [read_choice_token(path.rsplit("/", 1)[1]) for path in paths]
    assert [(user.id, kind.code) for user, kind in named] == [
        (sam.id, EXCHANGE_MESSAGES),
        (sam.id, EVENT_REMINDERS),
    ]
    [alex_digest] = outbox.to(alex.email)
    assert alex_digest["Subject"] == "Your weekly Anchor Portal digest: 1 update"
    assert "Alex's pledge." in outbox.body(alex_digest)


def test_the_digest_marks_its_items_sent_and_a_second_run_sends_nothing(outbox) -> None:
    person = UserFactory()
    first = _kept(person, EVENT_REMINDERS, "Reminder: A is tomorrow", "A.", 1)

    assert jobs.send_weekly_digests() == 1
    assert jobs.send_weekly_digests() == 0
    assert len(outbox.to(person.email)) == 1
    db.session.expire_all()
    item = db.session.get(DigestItem, first.id)
    assert item.sent_at is not None
    assert item.digest_email_id == db.session.scalar(select(OutboundEmail.id))

    # Something new after the digest goes in the next one, alone.
    _kept(person, EXCHANGE_MESSAGES, "New message about an exchange", "Later news.", 0)
    assert jobs.send_weekly_digests() == 1
    later = outbox.to(person.email)[-1]
    assert "Later news." in outbox.body(later) and "A." not in outbox.body(later)


def test_choosing_none_drops_what_was_waiting_for_that_kind_only(outbox) -> None:
    person = UserFactory()
    choose(person, EVENT_REMINDERS, DIGEST)
    choose(person, EXCHANGE_MESSAGES, DIGEST)
    remind(person, make_event(title="Dropped event"))
    _kept(person, EXCHANGE_MESSAGES, "New message about an exchange", "Kept news.", 1)

    choose(person, EVENT_REMINDERS, NONE)
    assert remind(person, make_event(title="Later event")) is None
    db.session.commit()
    assert jobs.send_weekly_digests() == 1
    body = outbox.body(outbox.to(person.email)[0])
    assert "Kept news." in body
    assert "Dropped event" not in body and "Later event" not in body


def test_someone_who_chose_none_for_everything_waiting_gets_no_digest(outbox) -> None:
    person = UserFactory()
    choose(person, EVENT_REMINDERS, DIGEST)
    remind(person, make_event())
    db.session.commit()
    choose(person, EVENT_REMINDERS, NONE)
    assert jobs.send_weekly_digests() == 0
    assert outbox.messages == []


def test_switching_back_to_immediate_keeps_what_was_waiting_for_the_digest(outbox) -> None:
    person = UserFactory()
    choose(person, EVENT_REMINDERS, DIGEST)
    remind(person, make_event(title="Kept event"))
    db.session.commit()
    choose(person, EVENT_REMINDERS, IMMEDIATE)
    assert jobs.send_weekly_digests() == 1
    assert "Kept event" in outbox.body(outbox.to(person.email)[0])


def test_a_deactivated_account_gets_no_digest(outbox) -> None:
    person = UserFactory()
    _kept(person, EVENT_REMINDERS, "Reminder: A is tomorrow", "A.", 1)
    person.is_active_account = False
    db.session.commit()
    assert jobs.send_weekly_digests() == 0
    assert outbox.messages == []


@pytest.mark.postgres
def test_a_run_that_waits_on_another_finds_nothing_left_to_send(app, outbox) -> None:
    """Two digest runs at once: the second waits on the items' row locks, then sees them sent."""
    person = UserFactory()
    _kept(person, EVENT_REMINDERS, "Reminder: A is tomorrow", "A.", 1)
    result: dict[str, int] = {}

    def second_run() -> None:
        with app.app_context():
            result["sent"] = jobs.send_weekly_digests()

    with db.engine.connect() as first_run:
        transaction = first_run.begin()
        first_run.execute(text("SELECT id FROM digest_items FOR UPDATE"))
        thread = threading.Thread(target=second_run)
        thread.start()
        thread.join(1.5)
        assert thread.is_alive(), "the second run should wait for the first run's locks"
        first_run.execute(text("UPDATE digest_items SET sent_at = now()"))
        transaction.commit()
    thread.join(15)
    assert result == {"sent": 0}
    assert outbox.messages == []
