"""Sign up, verification, sign in, rate limits, CSRF, password reset and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Invitation, Membership, User
from portal.core.models import AuditLog
from portal.extensions import db
from tests.conftest import CsrfClient, Outbox
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, admin_of, member_of

STRONG = "lantern-meadow-copper-91"


def _link(message, prefix: str) -> str:
    match = re.search(rf"http://localhost(/{prefix}/\S+)", Outbox.body(message))
    assert match, Outbox.body(message)
    return match.group(1)


def test_sign_up_sends_a_verification_email_and_login_waits_for_it(client, outbox):
    response = client.post(
        "/sign-up",
        data={
            "name": "Asha Patel",
            "email": "Asha@Example.org",
            "password": STRONG,
            "confirm_password": STRONG,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "asha@example.org"))
    assert user is not None and not user.is_verified
    # Signing in before confirming is refused with a pointer to the email.
    response = client.post("/sign-in", data={"email": "asha@example.org", "password": STRONG})
    assert response.headers["Location"].endswith("/check-your-email")
    [message] = outbox.to("asha@example.org")
    assert message["Subject"] == "Confirm your email address"
    response = client.get(_link(message, "verify"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_verified
    response = client.post("/sign-in", data={"email": "ASHA@example.org", "password": STRONG})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")


def _without_csrf(page: str) -> str:
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", page)


def _sign_up_as(client, email: str) -> tuple[int, str, str]:
    """Sign up in a fresh browser: the response, its redirect and the page it leads to."""
    response = client.post(
        "/sign-up",
        data={"name": "Someone", "email": email, "password": STRONG, "confirm_password": STRONG},
    )
    location = response.headers.get("Location", "")
    page = client.get(location).get_data(as_text=True) if location else ""
    return response.status_code, response.get_data(as_text=True) + location, _without_csrf(page)


def test_sign_up_does_not_reveal_whether_an_account_exists(app, outbox):
    UserFactory(email="taken@example.org", name="Tamsin Owner")
    app.test_client_class = CsrfClient
    taken = _sign_up_as(app.test_client(), "TAKEN@Example.org")
    fresh = _sign_up_as(app.test_client(), "fresh@example.org")
    assert taken[0] == fresh[0] == 302
    assert taken[1] == fresh[1]  # the same redirect to the same "Check your email" page
    assert "Check your email" in taken[2]
    assert taken[2].replace("taken@example.org", "ADDRESS") == fresh[2].replace(
        "fresh@example.org", "ADDRESS"
    )
    assert "already exists" not in taken[2]
    # Still one account per address; its owner hears that someone tried, with a way in.
    assert db.session.scalar(select(func.count(User.id))) == 2
    [message] = outbox.to("taken@example.org")
    assert message["Subject"] == "Someone tried to create an account with your email address"
    body = Outbox.body(message)
    assert "Hello Tamsin Owner" in body
    assert "http://localhost/sign-in" in body and "http://localhost/forgot-password" in body
    assert [m["Subject"] for m in outbox.to("fresh@example.org")] == ["Confirm your email address"]
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "account.signup_existing"))


def test_weak_and_mismatched_passwords_get_field_messages_and_save_nothing(client):
    cases = [
        ("short-pw", "short-pw", "at least 12 characters"),
        ("password1234", "password1234", "too common"),
        (STRONG, STRONG + "x", "do not match"),
    ]
    for password, confirm, message in cases:
        response = client.post(
            "/sign-up",
            data={
                "name": "Ben",
                "email": "ben@example.org",
                "password": password,
                "confirm_password": confirm,
            },
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert message in page
        assert "govuk-error-summary" in page
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_malformed_sign_up_input_never_errors(client):
    for data in (
        {},
        {"email": "not-an-email"},
        {
            "name": "x" * 5000,
            "email": "a@b.c" * 100,
            "password": "p" * 10000,
            "confirm_password": "q",
        },
    ):
        response = client.post("/sign-up", data=data)
        assert response.status_code == 200
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_login_failure_message_is_the_same_for_unknown_email_and_wrong_password(client):
    UserFactory(email="known@example.org")
    wrong_password = client.post(
        "/sign-in", data={"email": "known@example.org", "password": "nope-nope-nope"}
    )
    unknown = client.post(
        "/sign-in", data={"email": "nobody@example.org", "password": "nope-nope-nope"}
    )
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)


def _sign_in(client, email: str, password: str) -> int:
    return client.post("/sign-in", data={"email": email, "password": password}).status_code


def test_repeated_failed_logins_for_one_account_are_rate_limited(client):
    UserFactory(email="target@example.org")
    UserFactory(email="colleague@example.org")
    codes = [_sign_in(client, "Target@example.org", "wrong-guess-123") for _ in range(11)]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429
    # Even the right password is refused while the account's limit holds...
    assert _sign_in(client, "target@example.org", PASSWORD) == 429
    # ...but a colleague at the same address still signs in.
    assert _sign_in(client, "colleague@example.org", PASSWORD) == 302


def test_successful_sign_ins_from_one_office_are_never_throttled(client):
    # A council office behind one address: many colleagues sign in at 9 a.m.
    people = [UserFactory(email=f"officer{n}@example.org") for n in range(12)]
    for person in people:
        assert _sign_in(client, person.email, PASSWORD) == 302
        client.post("/sign-out")
    # Signing out is a POST: a GET (an <img> on any page) no longer signs anyone out.
    assert _sign_in(client, people[0].email, PASSWORD) == 302
    assert client.get("/sign-out").status_code == 405
    assert client.get("/account").status_code == 200
    assert client.post("/sign-out", csrf=False).status_code == 400
    assert client.get("/account").status_code == 200
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/sign-out"' in page and 'name="csrf_token"' in page
    assert client.post("/sign-out").status_code == 302
    assert client.get("/account").status_code == 302


def test_failed_sign_ins_from_one_address_hit_a_higher_limit(app, client):
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "15 per 15 minutes"
    try:
        codes = [_sign_in(client, f"guess{n}@example.org", "wrong-guess-123") for n in range(16)]
    finally:
        app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "100 per 15 minutes"
    assert codes[:15] == [200] * 15
    assert codes[15] == 429


def test_post_without_csrf_token_is_rejected(client):
    UserFactory(email="csrf@example.org")
    response = client.post(
        "/sign-in", data={"email": "csrf@example.org", "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert "could not be sent" in response.get_data(as_text=True)


def test_next_parameter_only_goes_to_local_paths(client):
    user = UserFactory()
    for target, expected in (
        ("/organisations", "/organisations"),
        ("https://evil.example/x", "/account"),
        ("//evil.example/x", "/account"),
        ("/\\evil.example", "/account"),
    ):
        client.post("/sign-out")
        response = client.post(
            f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
        )
        assert response.headers["Location"] == expected, target


def test_password_reset_token_works_once(client, outbox):
    user = UserFactory(email="reset@example.org")
    client.post("/forgot-password", data={"email": "reset@example.org"})
    [message] = outbox.to("reset@example.org")
    link = _link(message, "reset-password")
    response = client.post(link, data={"password": STRONG, "confirm_password": STRONG})
    assert response.status_code == 302
    # The same link cannot be used again.
    again = client.post(
        link,
        data={"password": "another-secret-phrase-7", "confirm_password": "another-secret-phrase-7"},
    )
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)
    assert (
        client.post("/sign-in", data={"email": user.email, "password": STRONG}).status_code == 302
    )
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "account.password_changed"))
        is not None
    )


def test_password_reset_token_expires(client, app, outbox):
    user = UserFactory(email="late@example.org")
    client.post("/forgot-password", data={"email": user.email})
    link = _link(outbox.to(user.email)[0], "reset-password")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert response.status_code == 400


def test_forgot_password_does_not_reveal_whether_an_account_exists(client, outbox):
    UserFactory(email="real@example.org")
    pages = {}
    for email in ("real@example.org", "ghost@example.org"):
        response = client.post("/forgot-password", data={"email": email})
        assert response.status_code == 200
        pages[email] = _without_csrf(response.get_data(as_text=True)).replace(email, "ADDRESS")
    assert "If an account exists" in pages["ghost@example.org"]
    assert pages["real@example.org"] == pages["ghost@example.org"]
    assert [m["To"] for m in outbox.messages] == ["real@example.org"]


def test_invitation_creates_an_account_and_membership_once(client, login, outbox):
    inviter = admin_of(email="boss@example.org")
    organisation = inviter.memberships[0].organisation
    login(inviter)
    response = client.post(
        f"/orgs/{organisation.id}/members/invite",
        data={"email": "new@example.org", "role": "member"},
    )
    assert response.status_code == 302
    link = _link(outbox.to("new@example.org")[0], "invitations")
    client.post("/sign-out")
    response = client.post(
        link, data={"name": "New Colleague", "password": STRONG, "confirm_password": STRONG}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.membership_of(organisation.id).role == "member"
    client.post("/sign-out")
    assert client.get(link).status_code == 400  # single use
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_at is not None


def test_expired_invitation_is_refused(client, login, outbox):
    inviter = admin_of()
    organisation = inviter.memberships[0].organisation
    login(inviter)
    client.post(
        f"/orgs/{organisation.id}/members/invite",
        data={"email": "slow@example.org", "role": "member"},
    )
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = invitation.created_at - timedelta(days=1)
    db.session.commit()
    link = _link(outbox.to("slow@example.org")[0], "invitations")
    client.post("/sign-out")
    assert client.get(link).status_code == 400


def test_switching_organisation_changes_who_you_act_for(client, login):
    user = member_of()
    first = user.memberships[0].organisation
    second = member_of().memberships[0].organisation
    db.session.add(Membership(user_id=user.id, organisation_id=second.id, role="member"))
    db.session.commit()
    login(user)
    response = client.post("/account/switch-organisation", data={"org_id": second.id})
    assert response.headers["Location"].endswith(f"/orgs/{second.id}")
    assert f"for {second.name}" in client.get("/account").get_data(as_text=True)
    # Cannot switch to an organisation you do not belong to.
    outsider = member_of().memberships[0].organisation
    assert (
        client.post("/account/switch-organisation", data={"org_id": outsider.id}).status_code == 403
    )
    assert client.post("/account/switch-organisation", data={"org_id": "abc"}).status_code == 400
    assert first.id != second.id


def test_inactive_account_cannot_sign_in(client):
    user = UserFactory(is_active_account=False)
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_signing_in_lands_on_the_organisation_home_when_the_user_has_one(client):
    organisation = OrganisationFactory(name="Harehills Pantry")
    member_of(organisation, email="member@example.org")
    response = client.post("/sign-in", data={"email": "member@example.org", "password": PASSWORD})
    assert response.headers["Location"].endswith(f"/orgs/{organisation.id}")
    assert "Harehills Pantry" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_convenors_account_page_leads_to_their_ambitions_work(client, login):
    from portal.core.models import Ambition
    from tests.factories import convenor

    login(convenor("HEALTHY"))
    healthy = db.session.scalar(select(Ambition).where(Ambition.code == "HEALTHY"))
    page = client.get("/account").get_data(as_text=True)
    assert "Your Ambitions as convenor" in page
    assert f'href="/activities?ambition={healthy.id}"' in page
    assert f'href="/pledges?ambition={healthy.id}"' in page
    assert 'href="/scorecard/#healthy"' in page
    assert "Inclusive Growth scorecard" not in page  # only the Ambitions they convene
    for link in (f"/activities?ambition={healthy.id}", f"/pledges?ambition={healthy.id}"):
        assert client.get(link).status_code == 200


def test_members_without_platform_roles_see_no_convenor_section(client, login):
    login(member_of())
    page = client.get("/account").get_data(as_text=True)
    assert "Your Ambitions as convenor" not in page and "Administration</a>" not in page


def test_invitation_form_errors_speak_of_the_colleague_and_send_nothing(client, login, outbox):
    inviter = admin_of()
    organisation = inviter.memberships[0].organisation
    login(inviter)
    url = f"/orgs/{organisation.id}/members/invite"
    page = client.post(url, data={"email": "", "role": "member"}).get_data(as_text=True)
    assert "Enter your colleague&#39;s email address" in page
    page = client.post(url, data={"email": "not-an-email", "role": "owner"}).get_data(as_text=True)
    assert "Enter an email address in the correct format" in page
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert outbox.messages == []


def _invite(client, organisation, email: str, role: str = "admin"):
    return client.post(
        f"/orgs/{organisation.id}/members/invite", data={"email": email, "role": role}
    )


def test_invitation_cannot_be_accepted_by_another_signed_in_account(client, login, outbox):
    inviter = admin_of(email="boss@example.org")
    organisation = inviter.memberships[0].organisation
    login(inviter)
    _invite(client, organisation, "asha@example.org")
    link = _link(outbox.to("asha@example.org")[0], "invitations")
    client.post("/sign-out")
    stranger = UserFactory(email="someone.else@example.org")
    login(stranger)
    page = client.get(link)
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "This invitation was sent to a…@example.org" in text
    assert "Sign out and sign in with that address" in text
    assert "Accept invitation" not in text
    assert client.post(link).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, stranger.id).membership_of(organisation.id) is None
    assert db.session.scalar(select(Invitation)).accepted_at is None


def test_inviting_the_same_address_in_another_case_sends_one_invitation(client, login, outbox):
    inviter = admin_of()
    organisation = inviter.memberships[0].organisation
    login(inviter)
    assert _invite(client, organisation, "A.Person@Example.org").status_code == 302
    response = _invite(client, organisation, "a.person@example.ORG")
    assert response.status_code == 200
    assert "already waiting" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Invitation.id))) == 1
    assert len(outbox.to("a.person@example.org")) == 1


def test_a_pending_invitation_can_be_cancelled_by_an_org_admin(client, login, outbox):
    inviter = admin_of()
    organisation = inviter.memberships[0].organisation
    login(inviter)
    _invite(client, organisation, "late@example.org")
    link = _link(outbox.to("late@example.org")[0], "invitations")
    invitation = db.session.scalar(select(Invitation))
    url = f"/orgs/{organisation.id}/invitations/{invitation.id}/cancel"
    assert "Cancel invitation" in client.get(f"/orgs/{organisation.id}/members").get_data(
        as_text=True
    )
    assert client.post(url, csrf=False).status_code == 400
    response = client.post(url)
    assert response.status_code == 302
    members_page = client.get(f"/orgs/{organisation.id}/members").get_data(as_text=True)
    assert "late@example.org" not in members_page.split("Invitations waiting")[-1] or (
        "Invitations waiting" not in members_page
    )
    assert db.session.scalar(
        select(AuditLog).where(AuditLog.action == "member.invitation_cancelled")
    )
    # A plain member cannot cancel; the cancelled link no longer works; a new one can be sent.
    client.post("/sign-out")
    assert client.get(link).status_code == 400
    login(member_of(organisation))
    assert client.post(url).status_code == 403
    client.post("/sign-out")
    login(inviter)
    assert _invite(client, organisation, "late@example.org").status_code == 302
