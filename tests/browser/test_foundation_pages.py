"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the foundation's pages."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_accessible, browser_login, submit_form
from tests.factories import PASSWORD, admin_of, platform_admin

PUBLIC_PAGES = [
    "/",
    "/ambitions",
    "/about",
    "/organisations",
    "/sign-in",
    "/sign-up",
    "/forgot-password",
]


def test_public_pages_pass_axe(browser, live_server):
    for path in PUBLIC_PAGES:
        assert_accessible(browser, live_server + path)
    assert_accessible(browser, live_server + "/no-such-page", heading="Page not found")


def test_the_audit_fails_when_the_page_meant_is_not_the_one_shown(browser, live_server):
    """Signed out, a protected page redirects to sign-in: auditing that must not pass."""
    with pytest.raises(AssertionError, match=r"the browser is on .*/sign-in"):
        assert_accessible(browser, live_server + "/admin/")
    with pytest.raises(AssertionError, match="shows an error page"):
        assert_accessible(browser, live_server + "/no-such-page")
    with pytest.raises(AssertionError, match="not 'Sign up'"):
        assert_accessible(browser, live_server + "/sign-in", heading="Sign up")


def test_sign_up_errors_pass_axe_and_show_the_error_summary(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/sign-up")
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Enter your full name" in summary.text
    assert_accessible(browser, browser.current_url)


def test_organisation_pages_pass_axe(browser, live_server):
    user = admin_of(email="axe-admin@example.org")
    organisation = user.memberships[0].organisation
    browser_login(browser, live_server, user.email, PASSWORD)
    for path in (
        f"/orgs/{organisation.id}",
        f"/orgs/{organisation.id}/members",
        f"/orgs/{organisation.id}/edit",
        f"/orgs/{organisation.id}/members/invite",
        f"/orgs/{organisation.id}/networks",
        f"/organisations/{organisation.id}",
        "/account",
        "/organisations/register",
    ):
        assert_accessible(browser, live_server + path)


def test_admin_pages_pass_axe(browser, live_server):
    admin = platform_admin(email="axe-platform@example.org")
    admin_of()  # something to list
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path in (
        "/admin/",
        "/admin/organisations?status=approved",
        "/admin/network-requests",
        "/admin/users",
        f"/admin/users/{admin.id}",
        "/admin/wards",
        "/admin/audit-log",
    ):
        assert_accessible(browser, live_server + path)
