"""Whether the latest change is in the good direction: hand-worked cases."""

from __future__ import annotations

import math

import pytest

from portal.scorecard.periods import Period
from portal.scorecard.trends import BETTER, NO_CHANGE, NOT_ENOUGH_DATA, WORSE, latest_change

Y = Period


@pytest.mark.parametrize(
    ("points", "direction", "expected"),
    [
        ([(Y(2024), 10), (Y(2025), 12)], "up", BETTER),
        ([(Y(2024), 10), (Y(2025), 8)], "up", WORSE),
        ([(Y(2024), 10), (Y(2025), 8)], "down", BETTER),
        ([(Y(2024), 10), (Y(2025), 12)], "down", WORSE),
        ([(Y(2024), 10), (Y(2025), 10)], "up", NO_CHANGE),
        ([(Y(2024), 10), (Y(2025), 10)], "down", NO_CHANGE),
        ([(Y(2024), 0), (Y(2025), 0)], "down", NO_CHANGE),
        # Float noise below the tolerance is no change.
        ([(Y(2024), 0.1 + 0.2), (Y(2025), 0.3)], "up", NO_CHANGE),
        # A negative value rising towards zero is up.
        ([(Y(2024), -5), (Y(2025), -2)], "up", BETTER),
        ([(Y(2024), -5), (Y(2025), -2)], "down", WORSE),
        # Only the last two values count, not the long-run trend.
        ([(Y(2022), 1), (Y(2023), 50), (Y(2024), 40)], "up", WORSE),
        ([(Y(2022), 100), (Y(2023), 10), (Y(2024), 11)], "up", BETTER),
    ],
)
def test_direction_of_the_latest_change(points, direction, expected):
    assert latest_change(points, direction).status == expected


def test_no_values_or_one_value_is_not_enough_data():
    assert latest_change([], "up").status == NOT_ENOUGH_DATA
    single = latest_change([(Y(2025), 7.0)], "up")
    assert single.status == NOT_ENOUGH_DATA
    assert single.latest == (Y(2025), 7.0)
    assert single.difference is None


def test_points_out_of_order_are_sorted_by_period():
    change = latest_change([(Y(2026), 5), (Y(2024), 9), (Y(2025), 7)], "down")
    assert change.status == BETTER
    assert change.previous == (Y(2025), 7)
    assert change.latest == (Y(2026), 5)
    assert change.difference == -2


def test_missing_latest_period_compares_the_last_two_recorded_values():
    change = latest_change([(Y(2024), 3), (Y(2025), 4), (Y(2026), None)], "up")
    assert change.status == BETTER
    assert change.latest == (Y(2025), 4.0)


def test_nan_counts_as_missing():
    change = latest_change([(Y(2024), 3), (Y(2025), math.nan), (Y(2026), 2)], "up")
    assert change.status == WORSE
    assert change.previous == (Y(2024), 3.0)


def test_a_gap_between_the_compared_periods_is_flagged():
    gap = latest_change([(Y(2022), 3), (Y(2025), 4)], "up")
    assert gap.skipped_periods
    consecutive = latest_change([(Y(2024), 3), (Y(2025), 4)], "up")
    assert not consecutive.skipped_periods


def test_quarters_are_compared_in_order_across_years():
    change = latest_change([(Y(2025, 4), 10), (Y(2026, 1), 9), (Y(2025, 3), 20)], "down")
    assert change.previous == (Y(2025, 4), 10)
    assert change.status == BETTER
    assert not change.skipped_periods
    assert latest_change([(Y(2025, 2), 1), (Y(2025, 4), 2)], "up").skipped_periods


def test_labels_and_colours_read_for_people():
    assert latest_change([(Y(2024), 1), (Y(2025), 2)], "up").label == "Improving"
    assert latest_change([(Y(2024), 1), (Y(2025), 2)], "down").colour == "red"
    assert latest_change([], "up").label == "Not enough data"
