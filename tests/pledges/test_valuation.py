"""Proxy versioning and £ arithmetic."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.pledges.valuation import ProxyBook, proxy_for_year

VERSIONS = [(2026, Decimal("19.77")), (2025, Decimal("19.19"))]


def test_proxy_for_a_year_is_that_years_or_the_latest_earlier_one():
    assert proxy_for_year(VERSIONS, 2025) == Decimal("19.19")
    assert proxy_for_year(VERSIONS, 2026) == Decimal("19.77")
    assert proxy_for_year(VERSIONS, 2030) == Decimal("19.77")


def test_a_year_before_every_version_uses_the_earliest_and_none_is_zero():
    assert proxy_for_year(VERSIONS, 2019) == Decimal("19.19")
    assert proxy_for_year([], 2026) == 0


def test_delivered_value_uses_each_periods_year_and_rounds_to_the_penny():
    book = ProxyBook({7: list(VERSIONS)})
    deliveries = [(date(2025, 12, 31), Decimal(10)), (date(2026, 1, 1), Decimal("0.5"))]
    # 10 x 19.19 + 0.5 x 19.77 = 191.90 + 9.885 = 201.785 -> 201.79
    assert book.delivered_value(7, deliveries) == Decimal("201.79")


def test_promised_value_uses_the_start_year():
    book = ProxyBook({7: list(VERSIONS)})
    assert book.promised_value(7, Decimal(100), date(2025, 6, 1)) == Decimal("1919.00")
    assert book.promised_value(7, Decimal(100), date(2026, 6, 1)) == Decimal("1977.00")


def test_adding_a_later_year_leaves_earlier_figures_alone():
    book = ProxyBook({7: list(VERSIONS)})
    before = book.delivered_value(7, [(date(2026, 9, 30), Decimal(100))])
    book.versions[7].append((2027, Decimal("50.00")))
    assert book.delivered_value(7, [(date(2026, 9, 30), Decimal(100))]) == before
    assert book.delivered_value(7, [(date(2027, 1, 31), Decimal(100))]) == Decimal("5000.00")
