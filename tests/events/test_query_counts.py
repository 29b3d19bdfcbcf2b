"""The event pages cost the same number of queries however many events and sign-ups exist."""

from __future__ import annotations

from datetime import timedelta

from portal.events import services
from portal.extensions import db
from tests.events.factories import make_event
from tests.factories import UserFactory


def _queries(client, count_queries, path: str) -> int:
    db.session.commit()
    db.session.expire_all()  # every request starts from the database, as in production
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200, path
    return counter.count


def _more_events(copies: int) -> None:
    for number in range(copies):
        event = make_event(capacity=1, starts_in=timedelta(days=number + 1))
        for _ in range(2):
            services.sign_up(event, UserFactory())


def test_event_pages_do_not_grow_with_the_events(client, login, count_queries) -> None:
    _more_events(2)
    event = make_event()
    person = UserFactory()
    services.sign_up(event, person)
    login(person)
    paths = (
        "/events",
        "/events?when=past",
        f"/events/{event.id}",
        f"/events/{event.id}.ics",
        f"/orgs/{event.organiser_id}/events.ics",
        "/events/mine",
    )
    before = {path: _queries(client, count_queries, path) for path in paths}
    _more_events(8)
    for number in range(5):
        services.sign_up(make_event(starts_in=timedelta(days=number + 1)), person)
    after = {path: _queries(client, count_queries, path) for path in paths}
    assert after == before
