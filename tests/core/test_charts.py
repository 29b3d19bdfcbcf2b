"""The one chart module: scales, round ticks, bar lengths and the progress chart's geometry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.core.charts import (
    HEIGHT,
    Scale,
    bar_length,
    nice_axis,
    nice_step,
    progress_chart,
    tick_places,
)


def test_a_scale_maps_the_domain_onto_the_pixels_either_way_up():
    across = Scale(0, 10, 100, 200)
    assert (across(0), across(5), across(10)) == (100, 150, 200)
    upwards = Scale(0, 4, 220, 16)  # SVG y grows downwards: higher values sit higher
    assert (upwards(0), upwards(4)) == (220, 16)
    assert upwards(Decimal("2")) == 118
    assert Scale(3, 3, 50, 90)(3) == 50  # one value: no division by zero


def test_axes_are_round_and_cover_the_data():
    assert nice_step(10) == 5
    assert nice_step(0.4) == pytest.approx(0.1)
    assert nice_axis(12, 97) == (0, 100, 50)
    assert nice_axis(5, 5) == (4, 6, 0.5)
    assert tick_places(0.05) == 2 and tick_places(5) == 0


def test_bars_are_a_share_of_the_longest():
    assert bar_length(50, 200, 360) == 90.0
    assert bar_length(None, 200, 360) == 0.0
    assert bar_length(7, 0, 360) == 0.0
    assert bar_length(Decimal("2.5"), 1, 95) == 237.5


def test_progress_chart_steps_up_at_each_report_and_the_promise_is_straight():
    chart = progress_chart(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        promised=Decimal(100),
        cumulative=[(date(2026, 7, 2), Decimal(50))],
    )
    # The promise runs from nothing at the start (bottom left) to 100 at the end (top right).
    assert chart.expected_points == "70.0,220.0 620.0,16.0"
    assert chart.baseline_y == HEIGHT - 40
    # Half the promise, half-way through the year: the dot sits on the promise line.
    assert chart.dots == [(345.0, 118.0)]
    assert chart.delivered_points == "70.0,220.0 345.0,220.0 345.0,118.0"
    assert [value for _, value in chart.y_ticks] == [Decimal(n) for n in (0, 25, 50, 75, 100)]


def test_the_breakdown_bar_chart_draws_bars_to_scale_with_its_table(client):
    from tests.scorecard.factories import add_value, load_scorecard

    load_scorecard()
    add_value("fuel-poverty", 2025, 30.0, breakdown="ward", category="Armley")
    add_value("fuel-poverty", 2025, 15.0, breakdown="ward", category="Harewood")
    page = client.get("/scorecard/indicators/fuel-poverty?breakdown=ward&period=2025").text
    assert 'aria-labelledby="breakdown-chart-desc"' in page
    assert 'width="360.0"' in page and 'width="180.0"' in page  # the largest bar is full length
    assert (
        "Show the figures as a table" in page
        and '<th scope="row" class="govuk-table__header">Harewood</th>' in page
    )
