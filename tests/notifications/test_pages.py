"""The settings page and the one-click page as people use them, with their messages for bad
input, and the clear page a broken or tampered link gets."""

from __future__ import annotations

from portal.core.forms import CHOICE_MESSAGE
from portal.extensions import db
from portal.notifications import services
from portal.notifications.kinds import (
    ASSESSMENT_REMINDERS,
    DIGEST,
    EVENT_REMINDERS,
    EXCHANGE_MESSAGES,
    GROUP_UPDATES,
    IMMEDIATE,
    KINDS,
    NONE,
    PLEDGE_REMINDERS,
)
from portal.notifications.tokens import make_choice_token
from tests.factories import UserFactory
from tests.insights.test_pages import page_text

SETTINGS = "/account/email-choices"
ALL_IMMEDIATE = {kind.code: IMMEDIATE for kind in KINDS}


def test_the_account_page_links_to_the_email_choices(client, login) -> None:
    login(UserFactory())
    assert f'href="{SETTINGS}"' in client.get("/account").get_data(as_text=True)


def test_signing_in_is_needed_for_the_settings_page(client) -> None:
    response = client.get(SETTINGS)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_settings_page_shows_every_kind_with_the_default_chosen(client, login) -> None:
    login(UserFactory())
    response = client.get(SETTINGS)
    html = response.get_data(as_text=True)
    text = page_text(response)
    for kind in KINDS:
        assert kind.label in text and kind.hint in text
    assert html.count('value="immediate" checked') == len(KINDS)


def test_saving_choices_shows_a_confirmation_and_keeps_them(client, login) -> None:
    person = UserFactory()
    login(person)
    chosen = {**ALL_IMMEDIATE, EVENT_REMINDERS: DIGEST, PLEDGE_REMINDERS: NONE}
    response = client.post(SETTINGS, data=dict(chosen), follow_redirects=True)
    assert "Your email choices are saved." in page_text(response)
    assert services.choices_for(person.id) == chosen
    html = response.get_data(as_text=True)
    assert f'name="{EVENT_REMINDERS}" type="radio" value="digest" checked' in html

    response = client.post(SETTINGS, data=dict(chosen), follow_redirects=True)
    assert "Your email choices are unchanged." in page_text(response)


def test_a_missing_answer_gets_a_message_for_that_kind_and_saves_nothing(client, login) -> None:
    person = UserFactory()
    login(person)
    data = {**ALL_IMMEDIATE, GROUP_UPDATES: NONE}
    del data[ASSESSMENT_REMINDERS]
    response = client.post(SETTINGS, data=data)
    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Choose how you want to hear about assessment action reminders" in text
    assert services.choices_for(person.id) == ALL_IMMEDIATE


def test_an_answer_that_is_not_a_choice_is_refused_not_a_crash(client, login) -> None:
    person = UserFactory()
    login(person)
    for bad in ("sometimes", "x" * 10_000, "<script>alert(1)</script>"):
        response = client.post(SETTINGS, data={**ALL_IMMEDIATE, EXCHANGE_MESSAGES: bad})
        assert response.status_code == 200
        assert CHOICE_MESSAGE in page_text(response)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert services.choices_for(person.id) == ALL_IMMEDIATE


def test_the_settings_page_costs_the_same_queries_with_or_without_choices(
    client, login, count_queries
) -> None:
    person = UserFactory()
    login(person)

    def queries() -> int:
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(SETTINGS).status_code == 200
        return counter.count

    before = queries()
    for kind in KINDS:
        services.set_choice(person.id, kind.code, DIGEST)
    assert queries() == before


def _path(person, kind: str) -> str:
    return f"/email-choices/{make_choice_token(person.id, kind)}"


def test_the_one_click_page_changes_that_kind_without_signing_in(client) -> None:
    person = UserFactory(email="sam@example.org")
    services.set_choice(person.id, EXCHANGE_MESSAGES, DIGEST)
    db.session.commit()
    path = _path(person, EVENT_REMINDERS)

    text = page_text(client.get(path))
    assert "Event reminders" in text and "sam@example.org" in text
    assert "Your choice now: Email me straight away" in text

    response = client.post(path, data={"choice": DIGEST}, follow_redirects=True)
    text = page_text(response)
    assert "Saved: Event reminders: put them in a weekly digest email." in text
    assert "Your choice now: Put them in a weekly digest email" in text
    assert services.choice_for(person.id, EVENT_REMINDERS) == DIGEST
    assert services.choice_for(person.id, EXCHANGE_MESSAGES) == DIGEST  # left alone


def test_the_one_click_page_refuses_an_answer_that_is_not_a_choice(client) -> None:
    person = UserFactory()
    path = _path(person, PLEDGE_REMINDERS)
    for data in ({}, {"choice": "weekly-ish"}, {"choice": "y" * 5000}):
        response = client.post(path, data=data)
        assert response.status_code == 200
        text = page_text(response)
        assert "There is a problem" in text
        assert (
            "Choose how you want to hear about pledge progress reminders" in text
            or CHOICE_MESSAGE in text
        )
    assert services.choice_for(person.id, PLEDGE_REMINDERS) == IMMEDIATE


def test_a_tampered_link_gets_a_clear_page_and_changes_nothing(client) -> None:
    person, other = UserFactory(), UserFactory()
    real = make_choice_token(person.id, EVENT_REMINDERS)
    forged = make_choice_token(other.id, EVENT_REMINDERS).split(".")[0] + "." + real.split(".")[1]
    for token in (forged, real[:-3], "nonsense", "x" * 3000):
        page = client.get(f"/email-choices/{token}")
        assert page.status_code == 400
        assert "This email choice link does not work" in page_text(page)
        posted = client.post(f"/email-choices/{token}", data={"choice": NONE})
        assert posted.status_code == 400
    assert services.choice_for(person.id, EVENT_REMINDERS) == IMMEDIATE
    assert services.choice_for(other.id, EVENT_REMINDERS) == IMMEDIATE


def test_the_one_click_post_needs_its_csrf_token(client) -> None:
    person = UserFactory()
    response = client.post(_path(person, EVENT_REMINDERS), data={"choice": NONE}, csrf=False)
    assert response.status_code == 400
    assert services.choice_for(person.id, EVENT_REMINDERS) == IMMEDIATE
