"""End-to-end browser journeys: sign up, confirm by email, sign in, register an organisation."""

from __future__ import annotations

import re

from selenium.webdriver.common.by import By
from sqlalchemy import select

from portal.core.models import Ward
from portal.extensions import db
from portal.orgs.models import Organisation
from tests.browser.axe import assert_accessible, submit_form
from tests.conftest import Outbox

PASSWORD = "lantern-meadow-copper-91"


def test_new_person_signs_up_confirms_and_registers_an_organisation(browser, live_server, outbox):
    browser.get(live_server + "/sign-up")
    browser.find_element(By.ID, "name").send_keys("Rosa Mensah")
    browser.find_element(By.ID, "email").send_keys("rosa@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "confirm_password").send_keys(PASSWORD)
    submit_form(browser)
    assert "Check your email" in browser.find_element(By.TAG_NAME, "h1").text

    body = Outbox.body(outbox.to("rosa@example.org")[0])
    path = re.search(r"http://localhost(/verify/\S+)", body).group(1)
    browser.get(live_server + path)
    assert "Your email address is confirmed" in browser.page_source

    browser.find_element(By.ID, "email").send_keys("rosa@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit_form(browser)
    assert "Your account" in browser.find_element(By.TAG_NAME, "h1").text

    browser.get(live_server + "/organisations/register")
    browser.find_element(By.ID, "name").send_keys("Seacroft Tenants Forum")
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=vcse]").click()
    browser.find_element(By.ID, "description").send_keys("Tenants working together.")
    browser.find_element(By.CSS_SELECTOR, "select#size_band option[value=micro]").click()
    ward_id = db.session.scalar(select(Ward.id).where(Ward.name == "Killingbeck & Seacroft"))
    browser.find_element(By.CSS_SELECTOR, f"input[name=wards][value='{ward_id}']").click()
    submit_form(browser)
    summary = browser.find_elements(By.CSS_SELECTOR, ".govuk-error-summary")
    assert not summary, summary[0].text if summary else ""
    assert "Organisation registered" in browser.page_source
    # After the redirect the confirmation has its own address (refreshing it registers nothing).
    assert_accessible(browser, browser.current_url, "Organisation registered")
    assert_accessible(browser, live_server + "/organisations/register", "Register an organisation")
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Seacroft Tenants Forum")
    )
    assert organisation.status == "pending"
