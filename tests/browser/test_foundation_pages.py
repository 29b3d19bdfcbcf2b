"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the foundation's pages."""

from __future__ import annotations

import pytest

from tests.browser.axe import assert_accessible, browser_login, submit_form
from tests.factories import PASSWORD, admin_of, platform_admin

PUBLIC_PAGES = [
    ("/", "One mission: reducing poverty and inequality"),
    ("/ambitions", "The four Ambitions"),
    ("/about", "About the portal"),
    ("/organisations", "Organisation directory"),
    ("/sign-in", "Sign in"),
    ("/sign-up", "Create an account"),
    ("/forgot-password", "Reset your password"),
    ("/no-such-page", "Page not found"),
]


def test_public_pages_pass_axe(browser, live_server):
    for path, heading in PUBLIC_PAGES:
        assert_accessible(browser, live_server + path, heading)


def test_the_audit_fails_when_the_page_meant_is_not_the_one_shown(browser, live_server):
    """A redirect to sign-in, or a refusal on the same address, must not be audited as the page."""
    with pytest.raises(AssertionError, match=r"the browser is on .*/sign-in"):
        assert_accessible(browser, live_server + "/admin/", "Administration")  # signed out
    user = admin_of(email="axe-not-platform@example.org")
    browser_login(browser, live_server, user.email, PASSWORD)
    with pytest.raises(AssertionError, match="not 'Administration'"):
        assert_accessible(browser, live_server + "/admin/", "Administration")  # 403 page
    with pytest.raises(AssertionError, match="not 'Sign up'"):
        assert_accessible(browser, live_server + "/about", "Sign up")


def test_sign_up_errors_pass_axe_and_show_the_error_summary(browser, live_server):
    from selenium.webdriver.common.by import By

    browser.get(live_server + "/sign-up")
    submit_form(browser)
    summary = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Enter your full name" in summary.text
    assert_accessible(browser, browser.current_url, "Create an account")


def test_organisation_pages_pass_axe(browser, live_server):
    user = admin_of(email="axe-admin@example.org")
    organisation = user.memberships[0].organisation
    browser_login(browser, live_server, user.email, PASSWORD)
    for path, heading in (
        (f"/orgs/{organisation.id}", organisation.name),
        (f"/orgs/{organisation.id}/members", f"Members of {organisation.name}"),
        (f"/orgs/{organisation.id}/edit", "Edit organisation details"),
        (f"/orgs/{organisation.id}/members/invite", f"Invite a colleague to {organisation.name}"),
        (f"/orgs/{organisation.id}/networks", "Networks"),
        (f"/organisations/{organisation.id}", organisation.name),
        ("/account", "Your account"),
        ("/organisations/register", "Register an organisation"),
    ):
        assert_accessible(browser, live_server + path, heading)


def test_admin_pages_pass_axe(browser, live_server):
    admin = platform_admin(email="axe-platform@example.org")
    admin_of()  # something to list
    browser_login(browser, live_server, admin.email, PASSWORD)
    for path, heading in (
        ("/admin/", "Administration"),
        ("/admin/organisations?status=approved", "Organisations: approved"),
        ("/admin/network-requests", "Requests to join a network"),
        ("/admin/users", "People and platform roles"),
        (f"/admin/users/{admin.id}", f"Roles for {admin.name}"),
        ("/admin/wards", "Wards and their ONS codes"),
        ("/admin/audit-log", "Audit log"),
    ):
        assert_accessible(browser, live_server + path, heading)
