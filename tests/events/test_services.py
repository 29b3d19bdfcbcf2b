"""Places, the waiting list and promotion, attendance, and the day-before reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.models import AuditLog, utcnow
from portal.events import jobs, services
from portal.events.models import CONFIRMED, WAITING, WITHDRAWN
from portal.extensions import db
from tests.events.factories import make_event
from tests.factories import UserFactory


def test_places_fill_in_order_then_people_wait() -> None:
    event = make_event(capacity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    assert services.sign_up(event, first).status == CONFIRMED
    assert services.sign_up(event, second).status == CONFIRMED
    assert services.sign_up(event, third).status == WAITING
    assert services.places_at(event).label() == "Full: 1 person waiting"


def test_signing_up_twice_is_refused_with_the_current_status() -> None:
    event = make_event(capacity=1)
    person = UserFactory()
    services.sign_up(event, person)
    with pytest.raises(services.SignupError, match="already signed up: place confirmed"):
        services.sign_up(event, person)


def test_a_cancellation_promotes_the_first_person_waiting_and_tells_them(outbox) -> None:
    event = make_event(capacity=1)
    holder, first_waiting, second_waiting = UserFactory(), UserFactory(), UserFactory()
    held = services.sign_up(event, holder)
    services.sign_up(event, first_waiting)
    services.sign_up(event, second_waiting)
    db.session.commit()

    promoted = services.cancel(held)
    db.session.commit()

    assert [s.user_id for s in promoted] == [first_waiting.id]
    assert held.status == WITHDRAWN
    assert services.signup_of(event, first_waiting).status == CONFIRMED
    assert services.signup_of(event, second_waiting).status == WAITING
    [message] = outbox.to(first_waiting.email)
    assert message["Subject"] == "You have a place at Meet the buyer"
    assert f"/events/{event.id}" in outbox.body(message)
    assert outbox.to(second_waiting.email) == []


def test_someone_who_cancels_and_signs_up_again_joins_the_back_of_the_queue() -> None:
    event = make_event(capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    held = services.sign_up(event, holder)
    services.sign_up(event, waiting)
    services.cancel(held)
    assert services.sign_up(event, holder).status == WAITING


def test_a_larger_capacity_promotes_people_waiting() -> None:
    event = make_event(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.sign_up(event, person)
    services.change_capacity(event, 2)
    assert [services.signup_of(event, p).status for p in people] == [CONFIRMED, CONFIRMED, WAITING]


def test_no_sign_up_or_cancellation_once_it_is_too_late() -> None:
    finished = make_event(starts_in=timedelta(days=-1))
    with pytest.raises(services.SignupError, match="finished"):
        services.sign_up(finished, UserFactory())
    soon = make_event(starts_in=timedelta(hours=1))
    signup = services.sign_up(soon, UserFactory())
    with pytest.raises(services.SignupError, match="too late"):
        services.cancel(signup, now=soon.starts_at + timedelta(minutes=5))


def test_attendance_counts_people_reached_and_is_audited() -> None:
    event = make_event(capacity=3, starts_in=timedelta(hours=1))
    came, absent = UserFactory(), UserFactory()
    came_signup = services.sign_up(event, came)
    services.sign_up(event, absent)
    later = event.ends_at + timedelta(hours=1)

    assert services.record_attendance(event, {came_signup.id}, now=later) == 1
    db.session.commit()

    assert services.people_reached([event.id]) == {event.id: 1}
    entry = db.session.query(AuditLog).filter_by(action="event.attendance_recorded").one()
    assert entry.summary == "Attendance at Meet the buyer: 1 of 2"


def test_attendance_is_refused_before_the_start_and_for_people_without_a_place() -> None:
    event = make_event(capacity=1, starts_in=timedelta(hours=1))
    services.sign_up(event, UserFactory())
    waiting = services.sign_up(event, UserFactory())
    with pytest.raises(services.SignupError, match="once the event has started"):
        services.record_attendance(event, set())
    with pytest.raises(services.SignupError, match="confirmed place"):
        services.record_attendance(event, {waiting.id}, now=event.ends_at)
    assert services.people_reached([event.id]) == {}


def test_the_reminder_goes_once_to_confirmed_people_the_day_before(outbox) -> None:
    event = make_event(capacity=1, starts_in=timedelta(hours=20))
    confirmed, waiting = UserFactory(), UserFactory()
    services.sign_up(event, confirmed)
    services.sign_up(event, waiting)
    make_event(starts_in=timedelta(days=3))  # not yet due
    db.session.commit()

    assert jobs.send_event_reminders() == 1
    assert jobs.send_event_reminders() == 0  # a rerun sends nothing twice
    [message] = outbox.to(confirmed.email)
    assert message["Subject"] == "Reminder: Meet the buyer is tomorrow"
    assert outbox.to(waiting.email) == []

    event.starts_at += timedelta(hours=2)  # moved: its people are reminded again
    event.ends_at += timedelta(hours=2)
    db.session.commit()
    assert jobs.send_event_reminders(now=utcnow()) == 1
