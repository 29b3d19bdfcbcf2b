"""Sign up, verification, sign in, rate limits, CSRF, password reset and invitations."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts.models import Invitation, Membership, User
from portal.core.models import AuditLog
from portal.extensions import db
from tests.conftest import Outbox
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


def test_email_is_unique_whatever_its_case(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        "/sign-up",
        data={
            "name": "Someone",
            "email": "TAKEN@Example.org",
            "password": STRONG,
            "confirm_password": STRONG,
        },
    )
    assert response.status_code == 200
    assert "An account already exists for this email address" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


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


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="target@example.org")
    codes = [
        client.post(
            "/sign-in", data={"email": "target@example.org", "password": "wrong-guess-123"}
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    # Even the right password is refused while the limit holds.
    assert (
        client.post(
            "/sign-in", data={"email": "target@example.org", "password": PASSWORD}
        ).status_code
        == 429
    )


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
        client.get("/sign-out")
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
    response = client.post("/forgot-password", data={"email": "ghost@example.org"})
    assert response.status_code == 200
    assert "If an account exists" in response.get_data(as_text=True)
    assert outbox.messages == []


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
    client.get("/sign-out")
    response = client.post(
        link, data={"name": "New Colleague", "password": STRONG, "confirm_password": STRONG}
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.membership_of(organisation.id).role == "member"
    client.get("/sign-out")
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
    client.get("/sign-out")
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
