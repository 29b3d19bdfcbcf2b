"""The report's sections from frozen figures: pure, hand-worked cases."""

from __future__ import annotations

from portal.report import contents


def indicator(**more):
    return {
        "code": "X",
        "title": "Healthy life expectancy",
        "unit": "years",
        "direction": "up",
        "breakdown_keys": ["ward", "deprivation_decile"],
        "citywide": [["2024", 60.0, 2024, 0], ["2025", 58.5, 2025, 0]],
        "breakdowns": {},
        "breakdown_period": "2025",
        "ward_deciles": {"Armley": 1, "Harehills": 1, "Wetherby": 10},
        **more,
    }


def test_a_fall_in_an_up_indicator_is_getting_worse() -> None:
    assert contents.indicator_change(indicator()) == "Getting worse"
    assert contents.indicator_change(indicator(direction="down")) == "Improving"
    assert contents.indicator_change(indicator(citywide=[["2025", 1.0, 2025, 0]])) == (
        "Not enough data"
    )


def test_recorded_deciles_give_the_gap_and_wards_the_range() -> None:
    found = contents.gaps(
        indicator(
            breakdowns={
                "deprivation_decile": {"1": 52.0, "10": 66.5},
                "ward": {"Armley": 55.0, "Harehills": 50.0, "Wetherby": 70.0},
            }
        )
    )
    assert (found["most"], found["least"], found["gap"]) == (52.0, 66.5, -14.5)
    assert found["low"] == ("Harehills", 50.0) and found["high"] == ("Wetherby", 70.0)
    assert found["range"] == 20.0 and not found["estimated"]
    assert found["breakdowns"] == ["Ward", "Deprivation decile"]


def test_without_decile_values_a_decile_is_the_mean_of_its_wards() -> None:
    found = contents.gaps(
        indicator(breakdowns={"ward": {"Armley": 55.0, "Harehills": 50.0, "Wetherby": 70.0}})
    )
    assert (found["most"], found["least"], found["gap"]) == (52.5, 70.0, -17.5)
    assert found["estimated"]


def test_a_trajectory_is_a_line_chart_with_its_table_and_gaps_a_table() -> None:
    ambition = {"code": "HEALTHY", "name": "Health and Wellbeing", "indicators": [indicator()]}
    summary, trajectory = contents.scorecard_blocks(ambition)
    assert summary.chart is None and summary.rows[0][:3] == [
        "Healthy life expectancy",
        58.5,
        "Getting worse",
    ]
    assert trajectory.chart == "line"
    assert trajectory.rows == [["2024", 60], ["2025", 58.5]]
    assert trajectory.line() == [("2024", 60.0), ("2025", 58.5)]


def test_a_table_whose_chart_column_is_all_hidden_draws_no_chart() -> None:
    hidden = {
        "title": "By ward",
        "header": ["Ward", "Activities"],
        "rows": [["A", None]],
        "chart": 1,
    }
    shown = {**hidden, "rows": [["A", None], ["B", 7]]}
    assert contents._table(hidden, "w").chart is None
    block = contents._table(shown, "w")
    assert block.chart == "bar" and block.bars() == [("A", None), ("B", 7)] and block.has_hidden


def test_narrative_paragraphs_split_on_blank_lines() -> None:
    assert contents.paragraphs("One.\r\n\r\nTwo\nlines.\n\n\n") == ["One.", "Two\nlines."]
