"""The organiser changes or cancels an event: audited, everyone signed up is told, the
capacity never drops below the places given, and a calendar app sees the new version."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar

from portal.core.models import AuditLog
from portal.events import services
from portal.events.forms import CITY_TIME
from portal.events.models import CANCELLED, CONFIRMED, SCHEDULED, WAITING, Event
from portal.extensions import db
from portal.orgs.models import Organisation
from tests.events.factories import make_event
from tests.factories import OrganisationFactory, UserFactory, member_of
from tests.insights.test_pages import page_text


def _organiser(event: Event):
    return member_of(db.session.get(Organisation, event.organiser_id))


def _next_week_at_ten(**fields: object) -> Event:
    """An event from 10:00 to 12:00 on the Leeds clock a week from now, as the form shows it."""
    day = datetime.now(CITY_TIME).date() + timedelta(days=7)
    starts = datetime.combine(day, time(10), tzinfo=CITY_TIME).astimezone(UTC)
    event = make_event(**fields)
    event.starts_at = starts.replace(tzinfo=None)
    event.ends_at = event.starts_at + timedelta(hours=2)
    db.session.commit()
    return event


def _form_of(event: Event, **changes: object) -> dict[str, object]:
    """The edit form as the organiser sends it without changing anything, plus `changes`."""
    day = event.starts_at.replace(tzinfo=UTC).astimezone(CITY_TIME).date()
    data: dict[str, object] = {
        "title": event.title,
        "summary": event.summary,
        "day": [str(day.day), str(day.month), str(day.year)],
        "start_time": "10:00",
        "end_time": "12:00",
        "where": "place",
        "ward": str(event.ward_id),
        "address": event.address,
        "capacity": str(event.capacity),
    }
    data.update(changes)
    return data


def _signed_up(event: Event, count: int) -> list:
    people = [UserFactory() for _ in range(count)]
    for person in people:
        services.sign_up(event, person)
    db.session.commit()
    return people


def test_moving_an_event_tells_everyone_signed_up_and_is_audited(client, login, outbox) -> None:
    event = _next_week_at_ten(capacity=1)
    holder, waiting = _signed_up(event, 2)
    login(_organiser(event))
    edit = f"/orgs/{event.organiser_id}/events/{event.id}/edit"
    form = page_text(client.get(edit))
    assert "Change the event" in form and "Meet the buyer" in form

    response = client.post(
        edit, data=_form_of(event, address="Leeds Town Hall"), follow_redirects=True
    )
    text = page_text(response)
    assert "Everyone signed up has been emailed the new time and place." in text
    assert "Leeds Town Hall" in text
    db.session.refresh(event)
    assert event.revision == 1
    for person in (holder, waiting):
        [message] = outbox.to(person.email)
        assert message["Subject"] == "Meet the buyer has changed"
        assert "Leeds Town Hall" in outbox.body(message)
    assert "On the waiting list" in outbox.body(outbox.to(waiting.email)[0])
    entry = db.session.query(AuditLog).filter_by(action="event.updated").one()
    assert entry.changes["address"] == ["Civic Hall, Calverley Street", "Leeds Town Hall"]


def test_a_new_title_alone_emails_nobody_and_raises_the_calendar_sequence(
    client, login, outbox
) -> None:
    event = _next_week_at_ten()
    [person] = _signed_up(event, 1)
    login(_organiser(event))
    client.post(
        f"/orgs/{event.organiser_id}/events/{event.id}/edit",
        data=_form_of(event, title="Meet the buyer: spring"),
    )
    assert outbox.to(person.email) == []
    [entry] = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert str(entry["summary"]) == "Meet the buyer: spring" and entry["sequence"] == 1


def test_saving_without_a_change_changes_nothing(client, login) -> None:
    event = _next_week_at_ten()
    login(_organiser(event))
    edit = f"/orgs/{event.organiser_id}/events/{event.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Meet the buyer"' in page and 'value="10:00"' in page
    response = client.post(edit, data=_form_of(event), follow_redirects=True)
    assert "Nothing was changed." in page_text(response)
    assert db.session.get(Event, event.id).revision == 0
    assert db.session.query(AuditLog).filter_by(action="event.updated").count() == 0


def test_capacity_cannot_drop_below_the_places_given_but_can_grow(client, login) -> None:
    event = _next_week_at_ten(capacity=2)
    *_, third = _signed_up(event, 3)
    login(_organiser(event))
    edit = f"/orgs/{event.organiser_id}/events/{event.id}/edit"
    response = client.post(edit, data=_form_of(event, capacity="1"))
    assert "2 people have a place already: enter at least 2 places" in page_text(response)
    assert db.session.get(Event, event.id).capacity == 2

    client.post(edit, data=_form_of(event, capacity="3"))
    assert services.signup_of(event, third).status == CONFIRMED


def test_bad_input_on_the_edit_form_gets_messages_and_changes_nothing(client, login) -> None:
    event = _next_week_at_ten()
    login(_organiser(event))
    response = client.post(
        f"/orgs/{event.organiser_id}/events/{event.id}/edit",
        data=_form_of(event, title="", day=["1", "1", "2025"], end_time="25:00"),
    )
    text = page_text(response)
    assert "Enter the event's title" in text
    assert "The date must be today or in the future" in text
    assert "Enter the end time as hours and minutes" in text
    assert db.session.get(Event, event.id).title == "Meet the buyer"


def test_cancelling_an_event_needs_a_reason_and_tells_everyone(client, login, outbox) -> None:
    event = _next_week_at_ten(capacity=1)
    holder, waiting = _signed_up(event, 2)
    login(_organiser(event))
    cancel = f"/orgs/{event.organiser_id}/events/{event.id}/cancel"
    assert "2 people are signed up or waiting" in page_text(client.get(cancel))

    assert "Enter why the event is cancelled" in page_text(client.post(cancel, data={"reason": ""}))
    assert db.session.get(Event, event.id).status == SCHEDULED

    response = client.post(cancel, data={"reason": "The venue flooded"}, follow_redirects=True)
    assert "We have emailed 2 people." in page_text(response)
    assert "This event is cancelled." in page_text(response)
    db.session.refresh(event)
    assert event.status == CANCELLED
    for person in (holder, waiting):
        [message] = outbox.to(person.email)
        assert "The venue flooded" in outbox.body(message)
    entry = db.session.query(AuditLog).filter_by(action="event.cancelled").one()
    assert "The venue flooded" in entry.summary
    [entry] = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")
    assert str(entry["status"]) == "CANCELLED"
    # Nobody can sign up to it any more, and it cannot be changed.
    assert "Change the event" not in page_text(client.get(f"/events/{event.id}"))
    assert client.get(f"/orgs/{event.organiser_id}/events/{event.id}/edit").status_code == 302


def test_only_the_organisers_members_can_change_or_cancel(client, login) -> None:
    event = _next_week_at_ten()
    outsider = OrganisationFactory()
    login(member_of(outsider))
    for action in ("edit", "cancel"):
        assert client.get(f"/orgs/{outsider.id}/events/{event.id}/{action}").status_code == 404
        assert client.get(f"/orgs/{event.organiser_id}/events/{event.id}/{action}").status_code == (
            403
        )
        response = client.post(
            f"/orgs/{event.organiser_id}/events/{event.id}/{action}", data={"reason": "x"}
        )
        assert response.status_code == 403
    assert db.session.get(Event, event.id).status == SCHEDULED
    assert "For the organiser" not in page_text(client.get(f"/events/{event.id}"))


def test_a_started_event_cannot_be_changed_or_cancelled() -> None:
    event = make_event(starts_in=timedelta(hours=-1))
    with pytest.raises(services.SignupError, match="started"):
        services.cancel_event(event, "Too late")
    with pytest.raises(services.SignupError, match="started"):
        services.update_event(event, {}, event.capacity, set())


def test_waiting_people_are_promoted_and_kept_in_order_after_an_edit() -> None:
    event = _next_week_at_ten(capacity=1)
    people = _signed_up(event, 3)
    values = {name: getattr(event, name) for name in services.EDITABLE}
    services.update_event(event, values, 2, set())
    assert [services.signup_of(event, p).status for p in people] == [CONFIRMED, CONFIRMED, WAITING]
