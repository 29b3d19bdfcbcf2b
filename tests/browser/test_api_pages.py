"""WCAG 2.2 AA check (axe-core in headless Chromium) over the open data API's documentation."""

from __future__ import annotations

from tests.browser.axe import assert_accessible


def test_the_api_documentation_passes_axe(browser, live_server):
    assert_accessible(browser, live_server + "/api/v1/docs", "Open data API")
