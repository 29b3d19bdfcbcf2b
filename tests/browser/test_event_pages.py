"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the event pages."""

from __future__ import annotations

from datetime import timedelta

from portal.events.services import cancel_token, sign_up
from portal.extensions import db
from tests.browser.axe import assert_accessible, browser_login
from tests.events.factories import make_event
from tests.factories import PASSWORD, OrganisationFactory, member_of


def test_event_pages_pass_axe(browser, live_server):
    assert_accessible(browser, live_server + "/events", "Events")
    event = make_event(title="Meet the buyer")
    organisation = OrganisationFactory()
    member = member_of(organisation, email="axe-events@example.org")
    browser_login(browser, live_server, member.email, PASSWORD)
    past = make_event(
        title="Last year's meeting", organiser_id=organisation.id, starts_in=timedelta(days=-3)
    )
    own = make_event(title="Scope 3 session", organiser_id=organisation.id)
    token = cancel_token(sign_up(own, member))
    db.session.commit()
    for path, heading in (
        (f"/events/{own.id}", "Scope 3 session"),
        (f"/orgs/{organisation.id}/events/{own.id}/edit", "Change the event"),
        (f"/orgs/{organisation.id}/events/{own.id}/cancel", "Cancel Scope 3 session"),
        ("/events/mine", "Your events"),
        ("/events", "Events"),
        (f"/events/{event.id}", "Meet the buyer"),
        (f"/orgs/{organisation.id}/events/new", "New event"),
        (f"/orgs/{organisation.id}/events/{past.id}/attendance", "Who came to Last year's meeting"),
        (f"/events/cancel/{token}", "Cancel your place at Scope 3 session"),
        ("/events/cancel/not-a-token", "This cancellation link does not work"),
    ):
        assert_accessible(browser, live_server + path, heading)
