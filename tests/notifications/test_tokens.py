"""The signed link: it names one person and one kind, and nothing else gets through."""

from __future__ import annotations

from itsdangerous import URLSafeSerializer

from portal.accounts.tokens import make_reset_token, make_verify_token
from portal.notifications.kinds import EVENT_REMINDERS, PLEDGE_REMINDERS
from portal.notifications.tokens import CHOICE_SALT, make_choice_token, read_choice_token
from tests.factories import UserFactory


def test_a_token_names_the_person_and_the_kind(app) -> None:
    person = UserFactory()
    user, kind = read_choice_token(make_choice_token(person.id, PLEDGE_REMINDERS))
    assert (user.id, kind.code) == (person.id, PLEDGE_REMINDERS)


def test_a_tampered_token_is_refused(app) -> None:
    person, other = UserFactory(), UserFactory()
    token = make_choice_token(person.id, EVENT_REMINDERS)
    payload, signature = token.split(".")
    # Someone swaps in another person's id, keeping the signature.
    forged = make_choice_token(other.id, EVENT_REMINDERS).split(".")[0] + "." + signature
    assert read_choice_token(forged) is None
    assert read_choice_token(payload + "." + signature[:-2] + "xx") is None
    assert read_choice_token("not-a-token") is None
    assert read_choice_token("") is None
    assert read_choice_token("a" * 5000) is None


def test_other_signed_tokens_of_the_portal_are_not_accepted(app) -> None:
    person = UserFactory()
    assert read_choice_token(make_reset_token(person)) is None
    assert read_choice_token(make_verify_token(person)) is None


def test_a_genuinely_signed_but_strange_payload_is_refused(app) -> None:
    person = UserFactory()
    signer = URLSafeSerializer(app.config["SECRET_KEY"], salt=CHOICE_SALT)
    assert read_choice_token(signer.dumps({"user": person.id, "kind": "newsletters"})) is None
    assert (
        read_choice_token(signer.dumps({"user": str(person.id), "kind": EVENT_REMINDERS})) is None
    )
    assert read_choice_token(signer.dumps({"user": True, "kind": EVENT_REMINDERS})) is None
    assert read_choice_token(signer.dumps([person.id, EVENT_REMINDERS])) is None
    assert read_choice_token(signer.dumps({"user": 999_999, "kind": EVENT_REMINDERS})) is None


def test_a_deactivated_account_s_link_stops_working(app) -> None:
    person = UserFactory(is_active_account=False)
    assert read_choice_token(make_choice_token(person.id, EVENT_REMINDERS)) is None
