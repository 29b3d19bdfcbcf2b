"""WCAG 2.2 AA checks (axe-core in headless Chromium) for the exchange's open data page."""

from __future__ import annotations

from datetime import datetime

from tests.browser.axe import assert_accessible
from tests.exchange.test_giving360 import funding


def test_open_data_page_passes_axe(browser, live_server):
    funding("750", on=datetime(2026, 3, 4, 12, 0))
    funding("1200", citywide=True, on=datetime(2025, 11, 2, 12, 0))
    heading = "Open data: funding through the exchange"
    for path in (
        "/exchange/open-data",
        "/exchange/open-data?year=2026",
        "/exchange/open-data?year=2024",  # nothing for the filters chosen
        "/exchange/open-data?year=banana",  # a field-level error
    ):
        assert_accessible(browser, live_server + path, heading)
