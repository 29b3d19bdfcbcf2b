"""The "cancel my place" link in event emails: it works without signing in, only after a
confirmation, for that one place, and a bad link is a clear page, not an error."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from portal.events import jobs, services
from portal.events.models import CONFIRMED, WAITING, WITHDRAWN, EventSignup
from portal.extensions import db
from tests.events.factories import make_event
from tests.factories import UserFactory
from tests.insights.test_pages import page_text


def _cancel_path(body: str) -> str:
    [url] = re.findall(r"https?://\S+/events/cancel/\S+", body)
    return urlsplit(url).path


def test_the_reminder_link_cancels_the_place_and_promotes_the_next_person(client, outbox) -> None:
    event = make_event(capacity=1, starts_in=timedelta(hours=20))
    going, waiting = UserFactory(), UserFactory()
    services.sign_up(event, going)
    services.sign_up(event, waiting)
    db.session.commit()
    jobs.send_event_reminders()
    [reminder] = outbox.to(going.email)
    path = _cancel_path(outbox.body(reminder))

    page = page_text(client.get(path))  # no sign-in; opening the link changes nothing
    assert "Cancel your place at Meet the buyer" in page
    assert "Place confirmed" in page
    assert db.session.scalar(db.select(EventSignup.status).filter_by(user_id=going.id)) == CONFIRMED

    page = page_text(client.post(path, follow_redirects=True))
    assert "Your place is cancelled" in page
    statuses = dict(db.session.query(EventSignup.user_id, EventSignup.status).all())
    assert statuses == {going.id: WITHDRAWN, waiting.id: CONFIRMED}
    [promoted] = outbox.to(waiting.email)
    assert promoted["Subject"] == "You have a place at Meet the buyer"
    assert "/events/cancel/" in outbox.body(promoted)  # their own link in turn

    assert "already cancelled" in page_text(client.get(path))
    client.post(path)  # again: nothing more happens
    assert db.session.query(EventSignup).filter_by(status=CONFIRMED).count() == 1


def test_a_link_names_one_place_only(client) -> None:
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.sign_up(event, first)
    theirs = services.sign_up(event, second)
    db.session.commit()
    assert theirs.status == WAITING

    page = page_text(client.get(f"/events/cancel/{services.cancel_token(theirs)}"))
    assert "You will leave the waiting list." in page
    client.post(f"/events/cancel/{services.cancel_token(theirs)}")
    statuses = dict(db.session.query(EventSignup.user_id, EventSignup.status).all())
    assert statuses == {first.id: CONFIRMED, second.id: WITHDRAWN}


def test_a_tampered_or_cut_short_link_gets_a_clear_page(client) -> None:
    event = make_event()
    signup = services.sign_up(event, UserFactory())
    db.session.commit()
    token = services.cancel_token(signup)
    for bad in (token[:-3], token + "x", "not-a-token", "e30.AAAA"):
        response = client.get(f"/events/cancel/{bad}")
        assert response.status_code == 404
        assert "This cancellation link does not work" in page_text(response)
        client.post(f"/events/cancel/{bad}")
    assert db.session.get(EventSignup, signup.id).status == CONFIRMED


def test_a_link_used_after_the_start_explains_it_is_too_late(client) -> None:
    event = make_event(starts_in=timedelta(hours=2))
    signup = services.sign_up(event, UserFactory())
    db.session.commit()
    path = f"/events/cancel/{services.cancel_token(signup)}"
    event.starts_at -= timedelta(hours=3)
    event.ends_at -= timedelta(hours=3)
    db.session.commit()
    assert "too late to cancel" in page_text(client.get(path))
    assert "too late to cancel" in page_text(client.post(path))
    assert db.session.get(EventSignup, signup.id).status == CONFIRMED


def test_the_cancel_link_needs_the_form_token(client) -> None:
    event = make_event()
    signup = services.sign_up(event, UserFactory())
    db.session.commit()
    client.post(f"/events/cancel/{services.cancel_token(signup)}", csrf=False)
    assert db.session.get(EventSignup, signup.id).status == CONFIRMED
