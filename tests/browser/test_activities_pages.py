"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the activities pages, and a journey."""

from __future__ import annotations

from sqlalchemy import select

from portal.activities.models import Activity, ActivityImport
from portal.extensions import db
from tests.activities.factories import ActivityFactory, goal, ward
from tests.browser.axe import assert_accessible, browser_login, submit_form
from tests.factories import PASSWORD, OrganisationFactory, member_of


def _world():
    lead = OrganisationFactory(name="Axe Lead Org")
    partner = OrganisationFactory(name="Axe Partner Org")
    user = member_of(lead, email="axe-activities@example.org")
    activity = ActivityFactory(
        lead_organisation=lead,
        partners=[partner],
        title="Axe tree planting",
        goals=[goal("RESILIENT-1"), goal("HEALTHY-2")],
        citywide=False,
        wards=[ward("Armley")],
    )
    ActivityFactory(lead_organisation=partner, title="Axe private work", is_public=False)
    rejected = ActivityImport(
        organisation_id=lead.id,
        filename="broken.csv",
        status="rejected",
        total_rows=2,
        error_count=1,
        errors_json='[[2, "goals", "‘X’ is not a goal code, like HEALTHY-1"]]',
    )
    running = ActivityImport(
        organisation_id=lead.id,
        filename="big.csv",
        status="checking",
        total_rows=10,
        processed_rows=4,
    )
    db.session.add_all([rejected, running])
    db.session.commit()
    return lead, user, activity, rejected, running


def test_public_activity_pages_pass_axe(browser, live_server):
    lead, _, activity, _, _ = _world()
    for path, heading in (
        ("/activities", "Activities"),
        (f"/activities?ambition={goal('HEALTHY-1').ambition_id}&period=2026", "Activities"),
        ("/activities?goal=999999", "Activities"),
        (f"/activities/{activity.id}", "Axe tree planting"),
        (f"/organisations/{lead.id}", "Axe Lead Org"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_member_activity_pages_pass_axe(browser, live_server):
    lead, user, activity, rejected, running = _world()
    browser_login(browser, live_server, user.email, PASSWORD)
    for path, heading in (
        (f"/orgs/{lead.id}", "Axe Lead Org"),
        (f"/orgs/{lead.id}/activities", "Activities"),
        (f"/orgs/{lead.id}/activities/new", "Record an activity"),
        (f"/orgs/{lead.id}/activities/{activity.id}/edit", "Edit the activity"),
        (f"/orgs/{lead.id}/activities/import", "Import activities from a CSV file"),
        (f"/orgs/{lead.id}/activities/imports/{rejected.id}", "Nothing was imported"),
        (f"/orgs/{lead.id}/activities/imports/{running.id}", "Importing your activities"),
        (f"/activities/{activity.id}", "Axe tree planting"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_a_member_fixes_an_error_and_records_an_activity(browser, live_server):
    from selenium.webdriver.common.by import By

    lead, user, _, _, _ = _world()
    browser_login(browser, live_server, user.email, PASSWORD)
    browser.get(f"{live_server}/orgs/{lead.id}/activities/new")
    browser.find_element(By.ID, "title").send_keys("Axe reading buddies")
    browser.find_element(By.ID, "description").send_keys("Reading with pupils.")
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Choose at least one goal" in summary.text
    assert_accessible(browser, browser.current_url, "Record an activity")  # reloads the empty form

    browser.find_element(By.ID, "title").send_keys("Axe reading buddies")
    browser.find_element(By.ID, "description").send_keys("Reading with pupils.")

    goal_box = browser.find_element(
        By.CSS_SELECTOR, f"input[name=goals][value='{goal('THRIVING-1').id}']"
    )
    browser.execute_script("arguments[0].click()", goal_box)
    citywide = browser.find_element(By.ID, "citywide")
    browser.execute_script("arguments[0].click()", citywide)
    for name, values in (("start_date", ("1", "9", "2026")), ("end_date", ("31", "7", "2027"))):
        for part, value in zip(("day", "month", "year"), values, strict=True):
            box = browser.find_element(By.ID, f"{name}-{part}")
            box.clear()
            box.send_keys(value)
    submit_form(browser)
    assert "has been recorded" in browser.find_element(By.TAG_NAME, "main").text
    db.session.expire_all()
    assert db.session.scalar(select(Activity).where(Activity.title == "Axe reading buddies"))
