"""The .ics files, parsed back with the icalendar library."""

from __future__ import annotations

from datetime import UTC

from icalendar import Calendar

from portal.events.models import CANCELLED
from portal.extensions import db
from tests.events.factories import make_event


def parsed(response) -> Calendar:
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_an_events_ics_has_its_time_place_and_a_stable_uid(client) -> None:
    event = make_event()
    calendar = parsed(client.get(f"/events/{event.id}.ics"))
    [entry] = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Meet the buyer"
    assert entry.decoded("dtstart") == event.starts_at.replace(tzinfo=UTC)
    assert entry.decoded("dtend") == event.ends_at.replace(tzinfo=UTC)
    assert str(entry["location"]).startswith("Civic Hall, Calverley Street")
    assert str(entry["uid"]) == f"event-{event.id}@localhost"
    assert str(entry["url"]).endswith(f"/events/{event.id}")


def test_an_organisations_feed_lists_its_scheduled_events_only(client) -> None:
    event = make_event(title="Scope 3 working session")
    make_event(title="Another organisation's event")
    make_event(title="Called off", organiser_id=event.organiser_id, status=CANCELLED)
    db.session.commit()
    calendar = parsed(client.get(f"/orgs/{event.organiser_id}/events.ics"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Scope 3 working session"]


def test_an_unknown_event_has_no_calendar_file(client) -> None:
    assert client.get("/events/999999.ics").status_code == 404


def test_a_persons_feed_lists_their_events_and_only_theirs(client, login) -> None:
    from portal.events import services
    from tests.factories import UserFactory

    person, other = UserFactory(), UserFactory()
    coming, waiting_for, called_off, someone_elses = (
        make_event(title="Coming"),
        make_event(title="Waiting for", capacity=1),
        make_event(title="Called off"),
        make_event(title="Someone else's"),
    )
    services.sign_up(waiting_for, other)
    for event in (coming, waiting_for, called_off):
        services.sign_up(event, person)
    services.sign_up(someone_elses, other)
    services.cancel_event(called_off, "No speaker")
    db.session.commit()

    login(person)
    page = client.get("/events/mine").get_data(as_text=True)
    assert "3 upcoming events" in page
    feed_path = page.split('id="feed-url" type="text" value="http://localhost')[1].split('"')[0]
    client.post("/sign-out")  # a calendar app polls without signing in

    entries = parsed(client.get(feed_path)).walk("VEVENT")
    assert {str(e["summary"]): str(e["status"]) for e in entries} == {
        "Coming": "CONFIRMED",
        "Waiting for": "CONFIRMED",
        "Called off": "CANCELLED",
    }


def test_a_tampered_feed_address_is_not_found(client) -> None:
    from portal.events import services
    from tests.factories import UserFactory

    token = services.feed_token(UserFactory())
    assert client.get(f"/events/feed/{token}.ics").status_code == 200
    assert client.get(f"/events/feed/{token[:-2]}xx.ics").status_code == 404
    assert client.get(f"/events/feed/{'a' * 5000}.ics").status_code == 404


def test_your_events_page_has_an_empty_state_and_needs_sign_in(client, login) -> None:
    from tests.factories import UserFactory

    assert client.get("/events/mine").status_code in (302, 401)
    login(UserFactory())
    page = client.get("/events/mine").get_data(as_text=True)
    assert "You have not signed up to any upcoming events" in page
    assert 'href="/events"' in page
