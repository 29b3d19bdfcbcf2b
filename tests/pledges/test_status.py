"""The status rules at their boundaries, worked by hand (see portal/pledges/status.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.pledges import status as rules

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 364 days
PROMISED = Decimal(364)  # one unit a day keeps the arithmetic visible


def status(delivered, *, today, reported=None, period_end=None, promised=PROMISED):
    return rules.pledge_status(
        start=START,
        end=END,
        promised=promised,
        delivered=Decimal(delivered),
        last_reported_on=reported,
        last_period_end=period_end,
        today=today,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months_keeps_the_day_or_uses_the_months_last(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_promised_units_is_the_distance_either_way():
    assert rules.promised_units(Decimal(10), Decimal(50)) == 40
    assert rules.promised_units(Decimal(500), Decimal(300)) == 200


def test_expected_units_is_a_straight_line_clamped_to_the_dates():
    assert rules.expected_units(START, END, PROMISED, date(2025, 12, 31)) == 0
    assert rules.expected_units(START, END, PROMISED, START) == 0
    assert rules.expected_units(START, END, PROMISED, date(2026, 1, 11)) == 10
    assert rules.expected_units(START, END, PROMISED, END) == PROMISED
    assert rules.expected_units(START, END, PROMISED, date(2027, 6, 1)) == PROMISED


def test_achieved_exactly_at_the_promise_and_even_before_the_start():
    assert status(364, today=date(2026, 6, 1), reported=date(2026, 6, 1)) == rules.ACHIEVED
    assert (
        status(
            363.99, today=date(2026, 6, 1), period_end=date(2026, 6, 1), reported=date(2026, 6, 1)
        )
        != rules.ACHIEVED
    )
    assert status(400, today=date(2025, 12, 1), reported=date(2025, 12, 1)) == rules.ACHIEVED
    # Achieved stays achieved long after the end, with no reports since.
    assert status(364, today=date(2030, 1, 1), reported=date(2026, 3, 1)) == rules.ACHIEVED


def test_not_started_until_the_start_date():
    assert status(0, today=date(2025, 12, 31)) == rules.NOT_STARTED
    assert status(0, today=START) == rules.ON_TRACK


def test_no_reports_is_on_track_until_the_first_report_is_due():
    assert status(0, today=date(2026, 3, 31)) == rules.ON_TRACK
    assert status(0, today=date(2026, 4, 1)) == rules.AT_RISK


def test_on_track_from_90_percent_of_the_line_at_the_latest_period_end():
    # On 31 March (89 days in) the line expects 89 units; 90% of that is 80.1.
    march = date(2026, 3, 31)
    assert status(Decimal("80.1"), today=date(2026, 5, 1), period_end=march, reported=march) == (
        rules.ON_TRACK
    )
    assert status(Decimal("80.09"), today=date(2026, 5, 1), period_end=march, reported=march) == (
        rules.AT_RISK
    )


def test_lapsed_on_the_day_twelve_months_after_the_last_report():
    reported = date(2026, 2, 15)
    long_start = date(2025, 1, 1)
    kwargs = {
        "start": long_start,
        "end": date(2028, 12, 31),
        "promised": Decimal(1000),
        "delivered": Decimal(500),  # well ahead of the line, so only lapse applies
        "last_reported_on": reported,
        "last_period_end": reported,
    }
    assert rules.pledge_status(today=date(2027, 2, 14), **kwargs) == rules.ON_TRACK
    assert rules.pledge_status(today=date(2027, 2, 15), **kwargs) == rules.LAPSED


def test_lapse_counts_from_the_start_when_nothing_was_reported():
    assert status(0, today=date(2026, 12, 31)) == rules.AT_RISK
    kwargs = {
        "start": START,
        "end": date(2027, 12, 31),
        "promised": PROMISED,
        "delivered": Decimal(0),
        "last_reported_on": None,
        "last_period_end": None,
    }
    assert rules.pledge_status(today=date(2026, 12, 31), **kwargs) == rules.AT_RISK
    assert rules.pledge_status(today=date(2027, 1, 1), **kwargs) == rules.LAPSED


def test_missed_the_day_after_the_end_date():
    reported = date(2026, 12, 1)
    assert status(300, today=END, period_end=reported, reported=reported) == rules.AT_RISK
    assert status(300, today=date(2027, 1, 1), period_end=reported, reported=reported) == (
        rules.MISSED
    )


def test_report_due_three_months_after_the_last_report_or_the_start():
    assert rules.report_due_on(START, None) == date(2026, 4, 1)
    assert rules.report_due_on(START, date(2026, 5, 31)) == date(2026, 8, 31)
    # A report dated before the start does not move the due date back.
    assert rules.report_due_on(START, date(2025, 11, 1)) == date(2026, 4, 1)


def test_overdue_only_after_the_due_date_and_only_while_running():
    due = date(2026, 4, 1)
    assert not rules.is_overdue(rules.AT_RISK, due, due)
    assert rules.is_overdue(rules.AT_RISK, due, date(2026, 4, 2))
    assert rules.is_overdue(rules.LAPSED, due, date(2027, 4, 2))
    for finished in (rules.ACHIEVED, rules.MISSED, rules.NOT_STARTED):
        assert not rules.is_overdue(finished, due, date(2027, 1, 1))


def test_reminder_once_per_overdue_report_then_every_28_days():
    due = date(2026, 4, 1)
    assert rules.reminder_due(due_on=due, last_reminded_on=None, today=date(2026, 4, 2))
    # Reminded about an earlier report: this one is new.
    assert rules.reminder_due(due_on=due, last_reminded_on=due, today=date(2026, 4, 2))
    assert not rules.reminder_due(
        due_on=due, last_reminded_on=date(2026, 4, 2), today=date(2026, 4, 29)
    )
    assert rules.reminder_due(
        due_on=due, last_reminded_on=date(2026, 4, 2), today=date(2026, 4, 30)
    )
