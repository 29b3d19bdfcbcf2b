"""WCAG 2.2 AA checks (axe-core in headless Chromium) over the State of the City pages."""

from __future__ import annotations

from tests.browser.axe import assert_accessible, browser_login
from tests.factories import PASSWORD, platform_admin
from tests.report.test_report import YEAR, published


def test_public_report_pages_pass_axe(browser, live_server):
    assert_accessible(browser, live_server + "/state-of-the-city", "State of the City reports")
    published()
    for path, heading in (
        ("/state-of-the-city", "State of the City reports"),
        (f"/state-of-the-city/{YEAR}", f"Leeds anchor partnership: {YEAR}"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_admin_and_convenor_report_pages_pass_axe(browser, live_server):
    published()
    admin = platform_admin(email="axe-report-admin@example.org")
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path, heading in (
        ("/admin/state-of-the-city", "State of the City reports"),
        (f"/admin/state-of-the-city/{YEAR}", f"State of the City {YEAR}"),
        (f"/admin/state-of-the-city/{YEAR}/regenerate", f"Regenerate the {YEAR} report"),
        (f"/state-of-the-city/{YEAR + 1}/narrative/healthy", "Health and Wellbeing: narrative"),
    ):
        assert_accessible(browser, live_server + path, heading)
