"""Working-day deadlines and listing lifetimes."""

from __future__ import annotations

from datetime import date, datetime

from portal.exchange.rules import add_working_days, is_working_day, listing_expiry


def test_five_working_days_skip_the_weekend():
    wednesday = datetime(2027, 2, 3, 10, 30)
    assert add_working_days(wednesday, 5) == datetime(2027, 2, 10, 10, 30)


def test_five_working_days_skip_bank_holidays():
    # Thursday 24 December 2026: Christmas Day (Fri) and the Boxing Day substitute (Mon 28th)
    assert add_working_days(datetime(2026, 12, 24, 9, 0), 5) == datetime(2027, 1, 5, 9, 0)
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 4))


def test_listing_expiry_uses_its_own_end_date_within_a_year():
    today = date(2027, 1, 10)
    assert listing_expiry(today) == date(2027, 4, 10)
    assert listing_expiry(today, ends=date(2027, 2, 1)) == date(2027, 2, 1)
    assert listing_expiry(today, ends=date(2030, 1, 1)) == date(2028, 1, 10)
    assert listing_expiry(today, ends=date(2026, 1, 1)) == today
