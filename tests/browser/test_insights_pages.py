"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the insights pages and home headline."""

from __future__ import annotations

from tests.browser.axe import assert_accessible, axe_violations, browser_login
from tests.factories import PASSWORD, convenor
from tests.insights.test_pages import healthy_fixture, snapshot


def test_insights_pages_pass_axe(browser, live_server):
    snapshot(healthy_fixture())
    assert_accessible(browser, live_server + "/", "One mission: reducing poverty and inequality")
    user = convenor("HEALTHY")
    browser_login(browser, live_server, user.email, PASSWORD)
    for path, heading in (
        ("/insights/", "City overview"),
        ("/insights/HEALTHY", "dashboard"),
        ("/insights/HEALTHY/gaps", "gaps"),
        ("/insights/HEALTHY/need", "where activity meets need"),
        ("/insights/need", "Where activity meets need"),
    ):
        assert_accessible(browser, live_server + path, heading)
    # A filter that is not offered: the page with its error summary.
    browser.get(live_server + "/insights/HEALTHY?period=1999")
    assert "Choose from the options given" in browser.page_source
    assert axe_violations(browser) == []
