"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the initiative pages, and a partner
recording a contribution end to end (with an error first, as people do)."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from portal.extensions import db
from portal.initiatives import services
from tests.browser.axe import assert_accessible, axe_violations, browser_login, submit_form
from tests.factories import PASSWORD, member_of
from tests.initiatives.factories import contribute, make_initiative


def test_initiative_pages_pass_axe_and_a_partner_records_a_contribution(browser, live_server):
    initiative = make_initiative(partners=2, title="Holiday food club")
    lead, partner, _ = initiative.everyone
    activity_id = initiative.activity.id
    original = contribute(initiative, partner, hours="10", money="100", people=40)
    services.correct_contribution(
        original, services.ContributionValues(
            original.period_start, original.period_end, original.volunteer_hours,
            original.money, 4, "",
        ), "Typed 40 for 4", None,
    )  # fmt: skip
    services.post_update(initiative.activity, lead, "Kick-off held", None)
    db.session.commit()
    current = services.contributions_of(activity_id)[0]
    assert_accessible(browser, f"{live_server}/initiatives/{activity_id}", "Holiday food club")
    member = member_of(partner, email="axe-initiatives@example.org")
    browser_login(browser, live_server, member.email, PASSWORD)
    base = f"{live_server}/orgs/{partner.id}/initiatives/{activity_id}"
    for path, heading in (
        (f"{live_server}/initiatives/{activity_id}", "Holiday food club"),
        (f"{base}/updates/new", "Post an update on Holiday food club"),
        (f"{base}/contributions/new", "Record a contribution"),
        (f"{base}/contributions/{current.id}/correct", "Correct a contribution"),
        (f"{live_server}/orgs/{partner.id}", partner.name),
    ):
        assert_accessible(browser, path, heading)

    browser.get(f"{base}/contributions/new")
    for name, text in (("period_start-day", "1"), ("period_start-month", "4"),
                       ("period_start-year", "2026"), ("period_end-day", "30"),
                       ("period_end-month", "6"), ("period_end-year", "2026"),
                       ("volunteer_hours", "-2"), ("money", "250.50")):  # fmt: skip
        browser.find_element(By.ID, name).send_keys(text)
    submit_form(browser)
    assert "Volunteer hours cannot be negative" in browser.page_source
    assert axe_violations(browser) == []  # the page with its error messages, as shown
    field = browser.find_element(By.ID, "volunteer_hours")
    field.clear()
    field.send_keys("2.5")
    submit_form(browser)
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "contribution to ‘Holiday food club’ has been saved" in body
    assert "£350.50" in body  # 100 + 250.50 for the partner
