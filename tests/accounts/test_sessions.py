"""Sessions end on the server: a copied cookie stops working after sign-out, a password reset,
a password change or deactivation by an admin, and so does a remember-me cookie."""

from __future__ import annotations

import re

from flask import Flask, g
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from portal.accounts import services
from portal.accounts.models import User
from portal.extensions import db
from tests.conftest import Outbox
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "lantern-meadow-copper-91"


def _copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding a copy of `client`'s session cookie (as a thief would)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _is_signed_in(client: FlaskClient) -> bool:
    """Whether this browser's cookies alone open the account page.

    The tests' requests share one app context, so the user Flask-Login loaded for the previous
    request (kept on `g`) is dropped first: only the cookie decides."""
    g.pop("_login_user", None)
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client, login):
    user = UserFactory()
    login(user)
    thief = _copy_of(client, app)
    assert _is_signed_in(thief)
    assert client.post("/sign-out").status_code == 302
    assert not _is_signed_in(thief)
    assert thief.get("/account").headers["Location"].startswith("/sign-in")
    # Signing in again gives a new session that works; the old copy still does not.
    login(user)
    assert _is_signed_in(client) and not _is_signed_in(thief)


def test_signing_out_ends_the_accounts_other_browsers_too(app, client, login):
    user = UserFactory()
    login(user)
    phone = app.test_client()  # a CSRF-aware client, like `client`
    g.pop("_login_user", None)  # see _is_signed_in
    response = phone.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _is_signed_in(phone)
    client.post("/sign-out")
    assert not _is_signed_in(phone)


def test_a_password_reset_ends_every_session(app, client, login, outbox):
    user = UserFactory(email="reset.me@example.org")
    login(user)
    thief = _copy_of(client, app)
    assert _is_signed_in(thief)
    other = app.test_client()
    other.post("/forgot-password", data={"email": user.email})
    [message] = outbox.to(user.email)
    link = re.search(r"http://localhost(/reset-password/\S+)", Outbox.body(message)).group(1)
    response = other.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _is_signed_in(thief)
    assert not _is_signed_in(client)
    signed_in = other.post("/sign-in", data={"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert _is_signed_in(other)


def test_a_password_change_ends_every_session(app, client, login):
    user = UserFactory()
    login(user)
    thief = _copy_of(client, app)
    services.set_password(db.session.get(User, user.id), NEW_PASSWORD)
    db.session.commit()
    assert not _is_signed_in(thief)


def test_deactivation_by_an_admin_signs_the_person_out_at_once(app, client, login):
    person = UserFactory(email="leaving@example.org")
    admin = UserFactory(is_platform_admin=True)
    login(person)
    their_browser = _copy_of(client, app)
    assert _is_signed_in(their_browser)
    client.post("/sign-out")
    login(admin)
    response = client.post(f"/admin/users/{person.id}", data={"is_active_account": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, person.id).is_active_account
    assert not _is_signed_in(their_browser)


def test_a_remember_me_cookie_stops_working_too(app, client):
    user = UserFactory()
    browser = app.test_client()
    browser.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert _is_signed_in(browser)  # the cookie Flask-Login would set for "remember me"
    services.end_all_sessions(user)
    db.session.commit()
    later = app.test_client()
    later.set_cookie("remember_token", encode_cookie(f"{user.id}:1"))
    assert not _is_signed_in(later)


def test_a_session_from_before_versions_or_with_a_made_up_id_opens_nothing(app):
    user = UserFactory()
    for forged in (str(user.id), f"{user.id}:0", f"{user.id}:x", "x:1", "99999999999999999999:1"):
        browser = app.test_client()
        with browser.session_transaction() as session:
            session["_user_id"] = forged
            session["_fresh"] = True
        assert not _is_signed_in(browser), forged
