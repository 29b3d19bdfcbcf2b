"""The tagging rule and the number and date parsing the form and CSV import share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.activities.rules import (
    HOURS_MAX,
    SPEND_MAX,
    GoalInfo,
    ambitions_of,
    check_dates,
    check_tags,
    parse_amount,
    parse_count,
    parse_date,
    split_list,
)

HEALTHY, GROWING = 1, 2
NAMES = {HEALTHY: "Healthy", GROWING: "Growing"}
H1 = GoalInfo(11, "HEALTHY-1", "Everyone lives longer", HEALTHY)
H2 = GoalInfo(12, "HEALTHY-2", "Children thrive", HEALTHY)
G1 = GoalInfo(21, "GROWING-1", "Good jobs", GROWING)


def test_at_least_one_goal_is_needed_with_or_without_ambitions():
    assert check_tags([], [], NAMES) == [
        ("goals", "Choose at least one goal the activity works towards")
    ]
    assert [field for field, _ in check_tags([HEALTHY], [], NAMES)] == ["goals"]


def test_ambitions_may_be_left_out_and_follow_from_the_goals():
    assert check_tags([], [H1, G1], NAMES) == []
    assert ambitions_of([H1, H2, G1]) == [HEALTHY, GROWING]


def test_matching_ambitions_and_goals_pass():
    assert check_tags([HEALTHY], [H1, H2], NAMES) == []
    assert check_tags([GROWING, HEALTHY], [H1, G1], NAMES) == []


def test_a_goal_outside_the_chosen_ambitions_is_refused():
    problems = check_tags([HEALTHY], [H1, G1], NAMES)
    assert problems == [
        (
            "goals",
            "The goal ‘Good jobs’ belongs to the Growing Ambition: "
            "choose that Ambition too, or remove the goal",
        )
    ]


def test_a_chosen_ambition_without_a_goal_is_refused():
    problems = check_tags([HEALTHY, GROWING], [H1], NAMES)
    assert problems == [
        (
            "ambitions",
            "Choose at least one goal under the Growing Ambition, or remove that Ambition",
        )
    ]


def test_both_problems_are_reported_together():
    problems = check_tags([GROWING], [H1], NAMES)
    assert sorted(field for field, _ in problems) == ["ambitions", "goals"]


def test_end_date_on_or_after_start():
    assert check_dates(date(2026, 4, 1), date(2026, 4, 1)) is None
    assert check_dates(date(2026, 4, 1), date(2027, 1, 1)) is None
    assert check_dates(date(2026, 4, 2), date(2026, 4, 1)) == (
        "The end date must be the same as or after the start date"
    )
    assert check_dates(None, date(2026, 4, 1)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        (" 1-4-2026 ", date(2026, 4, 1)),
    ],
)
def test_dates_in_iso_or_uk_order(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2026-02-30", "03/31/2026", "soon", "", "1899-01-01", "31/12/2101"]
)
def test_impossible_or_out_of_range_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def _spend(text: str) -> Decimal:
    return parse_amount(text, maximum=SPEND_MAX, places=2, what="spend", example="1500")


def test_amounts_accept_pounds_commas_and_blank():
    assert _spend("£1,500.50") == Decimal("1500.50")
    assert _spend("") == Decimal(0)
    assert _spend("0") == Decimal(0)
    assert _spend(str(SPEND_MAX)) == SPEND_MAX


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("twelve", "Enter spend as a number, for example 1500"),
        ("1e9", "Enter spend as a number, for example 1500"),
        ("NaN", "Enter spend as a number, for example 1500"),
        ("-5", "Spend cannot be negative"),
        ("10000000000", "Spend must be 9,999,999,999.99 or less"),
        ("9" * 400, "Enter spend as a number, for example 1500"),
        ("12.345", "Enter spend with no more than 2 decimal places"),
    ],
)
def test_bad_amounts_have_a_message(text, message):
    with pytest.raises(ValueError, match=message):
        _spend(text)


def test_hours_allow_one_decimal_place():
    hours = parse_amount("7.5", maximum=HOURS_MAX, places=1, what="hours", example="12")
    assert hours == Decimal("7.5")
    with pytest.raises(ValueError, match="no more than 1 decimal place"):
        parse_amount("7.25", maximum=HOURS_MAX, places=1, what="hours", example="12")


def test_counts_are_whole_non_negative_and_bounded():
    assert parse_count("1,250", what="people", example="250") == 1250
    assert parse_count("", what="people", example="250") == 0
    for text in ("2.5", "-3", "lots", "99999999999999999"):
        with pytest.raises(ValueError):
            parse_count(text, what="people", example="250")


def test_lists_split_on_semicolons_and_drop_blanks():
    assert split_list("Gipton & Harehills; Armley;; ") == ["Gipton & Harehills", "Armley"]
    assert split_list("") == []
