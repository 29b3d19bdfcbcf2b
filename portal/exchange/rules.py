"""The exchange's rules: response deadlines in working days, listing lifetimes, refusals."""

from __future__ import annotations

from datetime import date, datetime, timedelta


class ExchangeError(Exception):
    """A rule of the exchange stops this action; the message is written for the person."""


RESPONSE_WORKING_DAYS = 5
LISTING_LIFETIME_DAYS = 90
LONGEST_LISTING_DAYS = 365

# Bank holidays in England and Wales, from https://www.gov.uk/bank-holidays (2026 and 2027).
# Add the next year's dates when GOV.UK publishes them; a missing holiday only makes a deadline
# one day earlier than it should be.
BANK_HOLIDAYS = frozenset(
    {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),
        date(2027, 12, 28),
    }
)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def add_working_days(start: datetime, days: int = RESPONSE_WORKING_DAYS) -> datetime:
    """The same time of day `days` working days later, skipping weekends and bank holidays."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if is_working_day(moment.date()):
            remaining -= 1
    return moment


def listing_expiry(today: date, *, ends: date | None = None) -> date:
    """When a listing closes itself: its own end date if it has one, else after 90 days."""
    default = today + timedelta(days=LISTING_LIFETIME_DAYS)
    if ends is None:
        return default
    return max(today, min(ends, today + timedelta(days=LONGEST_LISTING_DAYS)))
