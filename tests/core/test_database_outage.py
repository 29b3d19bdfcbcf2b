"""Issue 11: while the database is unreachable a page is a 503 that says a save may have gone
through, drawn without a query; a write whose commit went through is never shown as an error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import g
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from portal.exchange.models import MATCH_ACCEPTED, ExchangeMessage
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from portal.pledges.models import ProgressUpdate
from tests.exchange.factories import MatchFactory
from tests.factories import member_of
from tests.pledges.factories import make_pledge

UNAVAILABLE = "If you were saving something, check whether it was saved before trying again"


class Outage:
    """Makes every statement fail as a restarting PostgreSQL does, from `down()` on, or from
    the next commit on (`after_next_commit()`: the save goes through, then the server goes)."""

    def __init__(self) -> None:
        self.is_down = False
        self.armed = False
        self.attempts: list[str] = []  # statements tried while down

    def down(self) -> None:
        self.is_down = True

    def after_next_commit(self) -> None:
        self.armed = True

    def up(self) -> None:
        self.is_down = self.armed = False

    def on_commit(self, connection: Any) -> None:
        if self.armed:
            self.is_down = True

    def before_cursor_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.is_down:
            self.attempts.append(statement)
            raise OperationalError(statement, {}, ConnectionError("server closed the connection"))


@pytest.fixture
def outage() -> Iterator[Outage]:
    outage = Outage()
    event.listen(db.engine, "commit", outage.on_commit)
    event.listen(db.engine, "before_cursor_execute", outage.before_cursor_execute)
    try:
        yield outage
    finally:
        event.remove(db.engine, "before_cursor_execute", outage.before_cursor_execute)
        event.remove(db.engine, "commit", outage.on_commit)
        db.session.rollback()


def test_a_page_while_the_database_is_down_is_a_503_drawn_without_a_query(client, outage):
    outage.down()
    response = client.get("/organisations")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in page
    assert UNAVAILABLE in page
    assert 'href="/"' in page  # a way back
    assert response.headers["Retry-After"] == "5"
    assert len(outage.attempts) == 1  # the view's own query; the 503 page asked for nothing


def test_a_signed_in_page_while_the_database_is_down_is_a_503_not_a_crash(client, login, outage):
    login(member_of())
    g.pop("_login_user", None)  # as in a new request (the test shares its app context)
    db.session.expunge_all()
    outage.down()
    response = client.get("/account")
    assert response.status_code == 503
    assert UNAVAILABLE in response.get_data(as_text=True)
    assert len(outage.attempts) == 1  # loading the user; the page did not try again


def test_an_error_page_that_cannot_load_the_signed_in_user_still_renders(client, login, outage):
    user = member_of()
    name = user.name
    login(user)
    assert client.get("/account").status_code == 200
    g.pop("_login_user", None)  # as in a new request (the test shares its app context)
    db.session.expunge_all()  # so the user is loaded from the database again
    outage.down()
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert name not in page  # drawn without the user it could not load


def test_a_progress_report_saved_just_before_the_database_went_away_is_not_an_error(
    client, login, outage
):
    load_catalogue()
    pledge = make_pledge(start=date(2026, 1, 1), end=date(2027, 12, 31))
    organisation_id, pledge_id = pledge.organisation_id, pledge.id
    login(member_of(pledge.organisation))
    outage.after_next_commit()
    response = client.post(
        f"/orgs/{organisation_id}/pledges/{pledge_id}/progress",
        data={
            "period_start": ["1", "1", "2026"],
            "period_end": ["31", "1", "2026"],
            "value": "12",
            "note": "Saved as the database restarted.",
            "evidence_url": "",
        },
    )
    outage.up()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/pledges/{pledge_id}"
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 1


def test_a_message_saved_just_before_the_database_went_away_is_not_an_error(client, login, outage):
    match = MatchFactory(status=MATCH_ACCEPTED)
    sender = member_of(match.offer.organisation)
    db.session.commit()
    match_id = match.id
    login(sender)
    outage.after_next_commit()
    response = client.post(f"/exchange/matches/{match_id}", data={"body": "Sent as it went"})
    outage.up()
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/exchange/matches/{match_id}#messages"
    assert db.session.scalar(select(func.count(ExchangeMessage.id))) == 1
