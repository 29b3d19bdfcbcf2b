"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the scorecard pages."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.csv_import import ImportStatus
from portal.extensions import db
from portal.scorecard.demo import seed_demo
from portal.scorecard.models import ScorecardImport
from tests.browser.axe import assert_accessible, axe_violations, browser_login, submit_form
from tests.factories import PASSWORD, convenor, platform_admin


def seed() -> None:
    seed_demo()
    db.session.commit()


def test_public_scorecard_pages_pass_axe(browser, live_server):
    seed()
    for path, heading in (
        ("/scorecard/", "Ambitions scorecard"),
        ("/scorecard/indicators/life-expectancy-female", "Life expectancy at birth (female)"),
        (
            "/scorecard/indicators/life-expectancy-female?breakdown=deprivation_decile&period=2025",
            "Life expectancy at birth (female)",
        ),
        ("/scorecard/indicators/employment-rate?breakdown=sex", "Employment rate (aged 16 to 64)"),
        ("/scorecard/indicators/business-survival-5-year", "Businesses surviving five years"),
        ("/scorecard/wards", "Ward deprivation"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_convenor_pages_pass_axe_including_errors(browser, live_server):
    from selenium.webdriver.common.by import By

    seed()
    user = convenor("HEALTHY")
    failed = ScorecardImport(
        created_by_id=user.id,
        filename="values.csv",
        status=ImportStatus.REJECTED,
        error_count=1,
        errors_json='[[3, "value", "Enter the value as a number"]]',
    )
    running = ScorecardImport(created_by_id=user.id, filename="big.csv", total_rows=100)
    db.session.add_all([failed, running])
    db.session.commit()
    browser_login(browser, live_server, user.email, PASSWORD)
    assert_accessible(
        browser,
        live_server + "/scorecard/indicators/low-birth-weight/values/new?breakdown=ward",
        "Record a value by ward",
    )
    browser.find_element(By.ID, "value").send_keys("lots")
    submit_form(browser)
    assert "as a number" in browser.page_source
    assert axe_violations(browser) == []  # the page with the error summary, as submitted
    for path, heading in (
        ("/scorecard/indicators/low-birth-weight?breakdown=ward", "Low birth weight babies"),
        ("/scorecard/import", "Import scorecard values"),
        (f"/scorecard/imports/{failed.id}", "Nothing was imported"),
        (f"/scorecard/imports/{running.id}", "Importing big.csv"),
        ("/account", "Your account"),  # the convenor's links to their Ambitions' work
    ):
        assert_accessible(browser, live_server + path, heading)


def test_admin_ward_upload_page_passes_axe(browser, live_server):
    seed()
    admin = platform_admin()
    browser_login(browser, live_server, admin.email, PASSWORD)
    assert_accessible(
        browser, live_server + "/scorecard/wards/upload", "Replace the ward deprivation figures"
    )
    assert_accessible(browser, live_server + "/account", "Your account")
    assert db.session.scalar(select(ScorecardImport)) is None
