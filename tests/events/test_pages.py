"""The event pages as people use them: the list, signing up and cancelling, the organiser's
form (with its messages for bad input) and attendance, and who may reach what."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.events.models import CONFIRMED, WAITING, Event, EventSignup
from portal.extensions import db
from tests.events.factories import make_event
from tests.factories import OrganisationFactory, UserFactory, member_of
from tests.insights.test_pages import page_text


def test_the_list_shows_upcoming_events_and_says_when_there_are_none(client) -> None:
    assert "No upcoming events" in page_text(client.get("/events"))
    make_event(title="Social value in purchasing")
    make_event(title="Last year's meet the buyer", starts_in=timedelta(days=-30))
    text = page_text(client.get("/events"))
    assert "1 event " in text and "Social value in purchasing" in text
    assert "Last year's meet the buyer" not in text
    assert "Last year's meet the buyer" in page_text(client.get("/events?when=past"))


def test_signing_up_through_the_page_confirms_then_puts_people_on_the_waiting_list(
    client, login
) -> None:
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    assert "Sign in to sign up" in page_text(client.get(f"/events/{event.id}"))

    login(first)
    response = client.post(f"/events/{event.id}/sign-up", follow_redirects=True)
    assert "Your place is confirmed." in page_text(response)
    assert "Full: join the waiting list" in page_text(response)
    client.post("/sign-out")

    login(second)
    page = page_text(client.get(f"/events/{event.id}"))
    assert "Join the waiting list" in page
    response = client.post(f"/events/{event.id}/sign-up", follow_redirects=True)
    assert "you are on the waiting list" in page_text(response)
    statuses = dict(db.session.query(EventSignup.user_id, EventSignup.status).all())
    assert statuses == {first.id: CONFIRMED, second.id: WAITING}


def test_a_sign_up_without_a_csrf_token_changes_nothing(client, login) -> None:
    event = make_event()
    login(UserFactory())
    client.post(f"/events/{event.id}/sign-up", csrf=False)
    assert db.session.query(EventSignup).count() == 0


def test_the_organiser_publishes_an_event_in_the_city_clock(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    ward_id = db.session.execute(db.text("SELECT id FROM wards ORDER BY name LIMIT 1")).scalar()
    response = client.post(
        f"/orgs/{organisation.id}/events/new",
        data={
            "title": "Inclusive recruitment working group",
            "day": ["10", "6", "2031"],
            "start_time": "10:00",
            "end_time": "12:30",
            "where": "place",
            "ward": str(ward_id),
            "address": "Civic Hall",
            "capacity": "30",
        },
        follow_redirects=True,
    )
    assert "Inclusive recruitment working group is published." in page_text(response)
    event = db.session.query(Event).one()
    assert event.starts_at == datetime(2031, 6, 10, 9, 0)  # 10:00 in Leeds is 09:00 UTC in June
    assert "10 June 2031 at 10:00" in page_text(response)


def test_bad_input_gets_a_message_per_field_and_saves_nothing(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    response = client.post(
        f"/orgs/{organisation.id}/events/new",
        data={
            "title": "x" * 121,
            "day": ["31", "2", "2031"],
            "start_time": "14:00",
            "end_time": "13:00",
            "where": "online",
            "online_url": "javascript:alert(1)",
            "capacity": "0",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    for message in (
        "Enter a title of 120 characters or fewer",
        "The date must be a real date",
        "The end time must be after the start time",
        "Enter a link that starts with https://",
        "Enter between 1 and 10,000 places",
    ):
        assert message in text
    assert db.session.query(Event).count() == 0


def test_another_organisations_member_cannot_record_its_attendance(client, login) -> None:
    event = make_event(starts_in=timedelta(days=-1))
    outsider_org = OrganisationFactory()
    login(member_of(outsider_org))
    # Through the outsider's own organisation the event is not found ...
    assert client.get(f"/orgs/{outsider_org.id}/events/{event.id}/attendance").status_code == 404
    # ... and through the organiser's, the outsider is not a member.
    assert client.get(f"/orgs/{event.organiser_id}/events/{event.id}/attendance").status_code == 403


def _finished_event_with(person) -> tuple[Event, EventSignup]:
    from portal.events import services

    event = make_event(capacity=5, starts_in=timedelta(hours=1))
    signup = services.sign_up(event, person)
    db.session.commit()
    event.starts_at -= timedelta(days=1)
    event.ends_at -= timedelta(days=1)
    db.session.commit()
    return event, signup


def test_the_organiser_records_who_came(client, login) -> None:
    event, signup = _finished_event_with(UserFactory(name="Ada Okafor"))
    login(member_of(db.session.get(type(event.organiser), event.organiser_id)))
    page = page_text(client.get(f"/orgs/{event.organiser_id}/events/{event.id}/attendance"))
    assert "Ada Okafor" in page and "Tick everyone who came." in page
    response = client.post(
        f"/orgs/{event.organiser_id}/events/{event.id}/attendance",
        data={"attended": [str(signup.id)]},
        follow_redirects=True,
    )
    assert "Attendance recorded: 1 person." in page_text(response)
    assert db.session.get(EventSignup, signup.id).attended is True
    # Shown ticked when the page is opened again.
    again = client.get(f"/orgs/{event.organiser_id}/events/{event.id}/attendance").get_data(True)
    assert f'value="{signup.id}" checked' in again


def test_attendance_for_someone_without_a_place_is_refused_and_changes_nothing(
    client, login
) -> None:
    event, signup = _finished_event_with(UserFactory())
    login(member_of(db.session.get(type(event.organiser), event.organiser_id)))
    for bad in ("not-a-number", str(signup.id + 1000)):
        response = client.post(
            f"/orgs/{event.organiser_id}/events/{event.id}/attendance",
            data={"attended": [str(signup.id), bad]},
        )
        assert response.status_code == 200
        assert "There is a problem" in page_text(response)
        assert db.session.get(EventSignup, signup.id).attended is None


def test_attendance_shows_as_people_reached_on_the_event_and_the_organisation_home(
    client, login
) -> None:
    event, signup = _finished_event_with(UserFactory())
    member = member_of(db.session.get(type(event.organiser), event.organiser_id))
    login(member)
    home = f"/orgs/{event.organiser_id}"
    assert "0 upcoming events." in page_text(client.get(home))
    client.post(
        f"/orgs/{event.organiser_id}/events/{event.id}/attendance",
        data={"attended": [str(signup.id)]},
    )
    assert "1 person came to the 1 event you recorded attendance for." in page_text(
        client.get(home)
    )
    assert "People who came 1" in page_text(client.get(f"/events/{event.id}"))
