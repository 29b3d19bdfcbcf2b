"""The demo seeder adds upcoming and past events, one with a waiting list and attendance."""

from __future__ import annotations

from portal.core.models import utcnow
from portal.events import demo, services
from portal.events.models import WAITING, Event, EventSignup
from portal.extensions import db
from tests.factories import OrganisationFactory, member_of
from tests.insights.test_pages import page_text


def test_demo_events_are_upcoming_and_past_with_a_waiting_list(client) -> None:
    for _ in range(6):
        member_of(OrganisationFactory())
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    events = db.session.query(Event).all()
    assert len(events) == len(demo.PLAN)
    now = utcnow()
    assert any(e.starts_at > now for e in events) and any(e.ends_at < now for e in events)
    assert db.session.query(EventSignup).filter_by(status=WAITING).count() > 0
    past = next(e for e in events if e.ends_at < now)
    assert services.people_reached([past.id])[past.id] > 0
    assert "Meet the buyer" in page_text(client.get("/events"))
