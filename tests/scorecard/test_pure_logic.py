"""Periods, breakdown categories, ward deciles and the chart geometry."""

from __future__ import annotations

import pytest

from portal.core.charts import line_chart, nice_step
from portal.scorecard.breakdowns import category_label, match_category
from portal.scorecard.deprivation import derive_deciles, values_by_decile
from portal.scorecard.periods import Period, parse_period, period_error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025", Period(2025)),
        (" 2025 ", Period(2025)),
        ("2025 Q2", Period(2025, 2)),
        ("2025-Q4", Period(2025, 4)),
        ("2025q1", Period(2025, 1)),
        ("2025/Q3", Period(2025, 3)),
        ("2025 Q5", None),
        ("25", None),
        ("1999", None),
        ("2101", None),
        ("twenty", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


def test_period_must_match_the_indicator_frequency():
    assert period_error("2025", "year") == (Period(2025), None)
    assert "recorded by year" in period_error("2025 Q1", "year")[1]
    assert "recorded by quarter" in period_error("2025", "quarter")[1]
    assert period_error("2025 Q1", "quarter") == (Period(2025, 1), None)


def test_period_order_and_next():
    assert Period(2025) < Period(2025, 1) < Period(2025, 4) < Period(2026)
    assert Period(2025, 4).next() == Period(2026, 1)
    assert Period(2025).next() == Period(2026)
    assert str(Period(2025, 2)) == "2025 Q2"


def test_categories_are_matched_forgiving_case_and_spacing():
    assert match_category("sex", " female ") == "Female"
    assert match_category("ward", "armley", ["Armley", "Beeston & Holbeck"]) == "Armley"
    assert match_category("deprivation_decile", "11") is None
    assert match_category("ethnicity", "Martian") is None
    assert category_label("deprivation_decile", "1") == "Decile 1 (most deprived)"


def test_deciles_rank_wards_by_share_most_deprived_first():
    shares = {ward: float(100 - ward) for ward in range(20)}  # ward 0 has the highest share
    deciles = derive_deciles(shares)
    assert deciles[0] == deciles[1] == 1
    assert deciles[2] == 2
    assert deciles[19] == 10
    assert sorted(set(deciles.values())) == list(range(1, 11))


def test_equal_shares_share_the_more_deprived_decile():
    deciles = derive_deciles({"a": 50.0, "b": 50.0, "c": 10.0, "d": 0.0})
    assert deciles["a"] == deciles["b"] == 1
    assert deciles["c"] == 6  # rank 2 of 4
    assert deciles["d"] == 8  # rank 3 of 4
    assert derive_deciles({}) == {}


def test_values_by_decile_average_the_wards_in_each_decile():
    derived = values_by_decile(
        {"a": 70.0, "b": 74.0, "c": 80.0, "x": 99.0}, {"a": 1, "b": 1, "c": 10}
    )
    assert derived == {1: 72.0, 10: 80.0}  # "x" has no decile and is left out


def test_shipped_illustrative_figures_fill_every_decile():
    from portal.scorecard.services import shipped_deprivation_rows

    rows = shipped_deprivation_rows()
    assert len(rows) == 33
    deciles = derive_deciles({r["ward"]: float(r["share_most_deprived"]) for r in rows})
    assert sorted(set(deciles.values())) == list(range(1, 11))
    high = ["Armley", "Beeston & Holbeck", "Burmantofts & Richmond Hill", "Gipton & Harehills"]
    assert all(deciles[w] <= 3 for w in high)
    assert deciles["Harewood"] >= 9


def test_nice_steps():
    assert nice_step(10) == 5
    assert nice_step(4) == 1
    assert nice_step(0.4) == pytest.approx(0.1)
    assert nice_step(0) == 1.0


def test_line_chart_places_points_left_to_right_and_higher_values_higher():
    chart = line_chart([("2024", 10.0), ("2025", 20.0), ("2026", 15.0)])
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    by_label = {p.label: p for p in chart.points}
    assert by_label["2025"].y < by_label["2026"].y < by_label["2024"].y
    assert chart.path.startswith("M") and chart.path.count("L") == 2
    values = [value for _, value in chart.ticks]
    assert values[0] <= 10 and values[-1] >= 20


def test_line_chart_copes_with_one_point_and_flat_series():
    single = line_chart([("2025", 5.0)])
    assert len(single.points) == 1
    flat = line_chart([("2024", 5.0), ("2025", 5.0)])
    assert flat.points[0].y == flat.points[1].y
    assert line_chart([]).points == []


def test_line_chart_tick_labels_have_enough_decimals_to_differ():
    narrow = line_chart([("2024", 82.1), ("2025", 82.0), ("2026", 82.0)])
    labels = [f"{value:.{narrow.tick_places}f}" for _, value in narrow.ticks]
    assert narrow.tick_places == 2 and len(set(labels)) == len(labels)
    assert labels[0] == "82.00" and labels[-1] == "82.10"
    assert line_chart([("2024", 100.0), ("2025", 900.0)]).tick_places == 0
    assert line_chart([("2024", 1.0), ("2025", 3.0)]).tick_places == 1


def test_a_declared_range_replaces_the_units_default():
    from portal.scorecard.values import ValidRange, declared_range, parse_value

    assert declared_range("%", None) == ValidRange(0, 100)
    assert declared_range("people", None) == ValidRange(0, None)
    change = declared_range("%", [-100, 100])  # a change, which can fall
    assert parse_value("-5", "%", change) == (-5.0, None)
    assert parse_value("-5", "%") == (None, "Enter a percentage between 0 and 100")
    assert parse_value("12", "points", ValidRange(None, 10)) == (
        None,
        "Enter a value of 10 or less",
    )
