"""Scoring rules, with hand-worked expectations."""

from __future__ import annotations

from portal.assessment import scoring


def test_mean_level_ignores_unanswered_and_rounds_to_one_place():
    assert scoring.mean_level([1, 2, None, 2]) == 1.7  # 5 / 3
    assert scoring.mean_level([None, None]) is None
    assert scoring.mean_level([]) is None


def test_dimension_scores_use_each_dimensions_own_criteria():
    scores = scoring.dimension_scores(
        {"employment": [1, 2, 3], "procurement": [4, 5]}, {1: 4, 2: 2, 3: 3, 4: None, 5: 1}
    )
    assert scores == {"employment": 3.0, "procurement": 1.0}


def test_overall_weights_dimensions_equally_and_skips_empty_ones():
    assert scoring.overall_score({"a": 3.0, "b": 2.0, "c": None}) == 2.5
    assert scoring.overall_score({"a": None}) is None


def test_change_needs_both_cycles():
    assert scoring.change(2.5, 2.0) == 0.5
    assert scoring.change(1.7, 2.0) == -0.3
    assert scoring.change(2.0, None) is None


def test_spread_is_suppressed_below_five_organisations():
    assert scoring.spread([1.0, 2.0, 3.0, 4.0]) is None
    assert scoring.spread([1.0, 2.0, None, 3.0, 4.0]) is None  # a blank does not count


def test_spread_median_and_quartiles_at_five():
    # Inclusive quartiles of 1, 2, 2, 3, 4: positions 2, 3 and 4 of five.
    result = scoring.spread([4.0, 2.0, 1.0, 3.0, 2.0])
    assert result == scoring.Spread(count=5, lower_quartile=2.0, median=2.0, upper_quartile=3.0)


def test_spread_interpolates_between_values():
    result = scoring.spread([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    assert (result.lower_quartile, result.median, result.upper_quartile) == (2.2, 3.5, 4.8)


def test_progress_counts_answered_criteria_of_the_framework():
    assert scoring.progress({1: 2, 2: None, 9: 3}, [1, 2, 3]) == (1, 3)
