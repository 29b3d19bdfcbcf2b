"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the email choice pages: as first
seen, with their error messages, after saving (the confirmation banner), and the page a
broken link gets."""

from __future__ import annotations

from typing import Any

from portal.notifications.kinds import EVENT_REMINDERS
from portal.notifications.tokens import make_choice_token
from tests.browser.axe import assert_accessible, axe_violations, browser_login, submit_form
from tests.factories import PASSWORD, UserFactory

CLEAR_RADIOS = "document.querySelectorAll('main input[type=radio]').forEach(r => r.checked = false)"


def _audit_here(driver: Any, text: str) -> None:
    """Audit the page the browser is on (after a form post), which must show `text`."""
    assert text in driver.page_source
    assert axe_violations(driver) == []


def test_email_choice_pages_pass_axe(browser, live_server):
    person = UserFactory(email="axe-notifications@example.org")
    one_click = f"{live_server}/email-choices/{make_choice_token(person.id, EVENT_REMINDERS)}"
    assert_accessible(
        browser, f"{live_server}/email-choices/tampered", "This email choice link does not work"
    )
    assert_accessible(browser, one_click, "Event reminders")
    browser.execute_script(CLEAR_RADIOS)
    submit_form(browser)
    _audit_here(browser, "Choose how you want to hear about event reminders")
    browser.find_element("css selector", "input[value='digest']").click()
    submit_form(browser)
    _audit_here(browser, "Saved: Event reminders: put them in a weekly digest email.")

    browser_login(browser, live_server, person.email, PASSWORD)
    assert_accessible(browser, f"{live_server}/account/email-choices", "Your email choices")
    browser.execute_script(CLEAR_RADIOS)
    submit_form(browser)
    _audit_here(browser, "Choose how you want to hear about group updates")
    assert_accessible(browser, f"{live_server}/account/email-choices", "Your email choices")
    submit_form(browser)
    _audit_here(browser, "Your email choices are unchanged.")
