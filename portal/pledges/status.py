"""How a pledge's status is worked out: pure functions of dates and numbers, no database.

The rules, in the order they are applied (the public "How we calculate" page says the same):

1. **Achieved**: units delivered so far reach the units promised (the distance from baseline to
   target). Delivery counts whatever the dates, so an early finish is achieved at once.
2. **Not started**: today is before the start date.
3. **Lapsed**: nothing has been reported for 12 months (counted from the last progress report, or
   from the start date when there is none): on or after the same day 12 months later.
4. **Missed**: the end date has passed without the target being reached.
5. **On track** or **at risk**: the promise is spread in a straight line from the start date
   (nothing expected) to the end date (everything expected). We compare what was delivered with
   what the line expected at the end of the latest reported period: at least 90% of it is on
   track, less is at risk. Until the first report is due (3 months after the start) a pledge with
   no reports is on track: nobody is behind on day one.

A progress report is **due** 3 months after the last one (or after the start), and **overdue**
the day after that, for pledges that are running (on track, at risk or lapsed). The reminder job
emails an organisation once when a report becomes overdue and then no more than every 28 days.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
ACHIEVED = "achieved"
LAPSED = "lapsed"
MISSED = "missed"

STATUS_LABELS = {
    NOT_STARTED: "Not started",
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    ACHIEVED: "Achieved",
    LAPSED: "Lapsed",
    MISSED: "Missed",
}
STATUS_COLOURS = {
    NOT_STARTED: "grey",
    ON_TRACK: "green",
    AT_RISK: "orange",
    ACHIEVED: "blue",
    LAPSED: "red",
    MISSED: "pink",
}
RUNNING = (ON_TRACK, AT_RISK, LAPSED)

LAPSE_AFTER_MONTHS = 12
REPORT_EVERY_MONTHS = 3
ON_TRACK_SHARE = Decimal("0.9")
REMIND_AGAIN_AFTER_DAYS = 28


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if shorter (31 Jan + 1 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def promised_units(baseline: Decimal, target: Decimal) -> Decimal:
    """Units promised: the distance from baseline to target, whichever way the measure runs."""
    return abs(Decimal(target) - Decimal(baseline))


def expected_units(start: date, end: date, promised: Decimal, on: date) -> Decimal:
    """What the straight line from start (0) to end (all) expects by `on`."""
    if on <= start:
        return Decimal(0)
    if on >= end:
        return Decimal(promised)
    return Decimal(promised) * (on - start).days / (end - start).days


def last_activity(start: date, last_reported_on: date | None) -> date:
    return max(start, last_reported_on) if last_reported_on else start


def report_due_on(start: date, last_reported_on: date | None) -> date:
    """The date the next progress report is due."""
    return add_months(last_activity(start, last_reported_on), REPORT_EVERY_MONTHS)


def pledge_status(
    *,
    start: date,
    end: date,
    promised: Decimal,
    delivered: Decimal,
    last_reported_on: date | None,
    last_period_end: date | None,
    today: date,
) -> str:
    """The pledge's status on `today` by the rules in this module's docstring."""
    if promised > 0 and delivered >= promised:
        return ACHIEVED
    if today < start:
        return NOT_STARTED
    if today >= add_months(last_activity(start, last_reported_on), LAPSE_AFTER_MONTHS):
        return LAPSED
    if today > end:
        return MISSED
    if last_period_end is None:
        if today < add_months(start, REPORT_EVERY_MONTHS):
            return ON_TRACK
        as_at = today
    else:
        as_at = min(today, last_period_end)
    expected = expected_units(start, end, promised, as_at)
    return ON_TRACK if delivered >= expected * ON_TRACK_SHARE else AT_RISK


def is_overdue(status: str, due_on: date, today: date) -> bool:
    """A running pledge whose next report is past its due date."""
    return status in RUNNING and today > due_on


def reminder_due(*, due_on: date, last_reminded_on: date | None, today: date) -> bool:
    """Remind once per overdue report, then at most every 28 days while it stays overdue."""
    if last_reminded_on is None or last_reminded_on <= due_on:
        return True
    return (today - last_reminded_on).days >= REMIND_AGAIN_AFTER_DAYS
