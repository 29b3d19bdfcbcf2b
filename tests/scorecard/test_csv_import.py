"""Checking a CSV of values row by row (no database): every problem reported, never a crash."""

from __future__ import annotations

import pytest

from portal.core.csv_rows import CsvFileError, check_text, count_rows, decode
from portal.scorecard.csv_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_MB,
    SPEC,
    IndicatorRule,
    Lookups,
    check_deprivation_csv,
)
from portal.scorecard.periods import Period

RULES = {
    "life-expectancy-female": IndicatorRule(1, 10, "year", "years", ("ward", "deprivation_decile")),
    "employment-rate": IndicatorRule(2, 20, "quarter", "%", ("sex", "age_group")),
}
WARDS = ["Armley", "Beeston & Holbeck"]
HEADER = "indicator,period,breakdown,category,value,source,notes\n"


def check(text, may_record=lambda ambition_id: True, **options):
    return check_text(SPEC, text, Lookups(RULES, WARDS, may_record), **options)


def problems(result):
    return [(e.row, e.column) for e in result.errors]


def test_a_clean_file_gives_every_row():
    result = check(
        HEADER
        + "life-expectancy-female,2025,citywide,,82.1,ONS,\n"
        + "life-expectancy-female,2025,ward,armley,79.4,ONS,note\n"
        + "employment-rate,2025 Q2,sex,Female,71.5%,,\n"
        + 'employment-rate,2025 Q2,,,"1,0",,\n'
    )
    assert result.ok, result.errors
    assert result.total_rows == 4
    ward_row = result.records[1]
    assert (ward_row.breakdown, ward_row.category, ward_row.value) == ("ward", "Armley", 79.4)
    assert result.records[2].period == Period(2025, 2)
    assert result.records[3].value == 10.0


def test_every_problem_is_reported_with_row_and_column():
    result = check(
        HEADER
        + "no-such,2025,,,1,,\n"  # row 2
        + "life-expectancy-female,2025 Q1,,,1,,\n"  # row 3: quarter for a yearly indicator
        + "life-expectancy-female,2025,sex,Female,1,,\n"  # row 4: unsupported breakdown
        + "life-expectancy-female,2025,ward,Atlantis,1,,\n"  # row 5: unknown ward
        + "life-expectancy-female,2025,ward,,1,,\n"  # row 6: category missing
        + "life-expectancy-female,2025,,Armley,1,,\n"  # row 7: category on a citywide value
        + "life-expectancy-female,2025,,,lots,,\n"  # row 8: not a number
        + "employment-rate,2025 Q1,,,150,,\n"  # row 9: percentage out of range
        + "employment-rate,2025 Q1,,,1e400,,\n"  # row 10: infinite
        + "life-expectancy-female,2025,colour,blue,1,,\n"  # row 11: unknown breakdown
        + "life-expectancy-female,2025,,,1,"
        + "x" * 201
        + ",\n"  # row 12: source too long
        + ",2025,,,1,,\n"  # row 13: indicator missing
        + "life-expectancy-female,2025,,,nan,,\n"  # row 14: nan
    )
    assert problems(result) == [
        (2, "indicator"),
        (3, "period"),
        (4, "breakdown"),
        (5, "category"),
        (6, "category"),
        (7, "category"),
        (8, "value"),
        (9, "value"),
        (10, "value"),
        (11, "breakdown"),
        (12, "source"),
        (13, "indicator"),
        (14, "value"),
    ]
    assert result.records == []
    assert "no indicator with the code 'no-such'" in result.errors[0].message


def test_the_same_value_twice_in_a_file_is_a_problem():
    result = check(
        HEADER + "life-expectancy-female,2025,,,1,,\nlife-expectancy-female,2025,,,2,,\n"
    )
    assert problems(result) == [(3, "period")]
    assert "repeats row 2" in result.errors[0].message


def test_rows_for_ambitions_not_convened_are_refused():
    result = check(
        HEADER + "life-expectancy-female,2025,,,1,,\nemployment-rate,2025 Q1,,,1,,\n",
        may_record=lambda ambition_id: ambition_id == 10,
    )
    assert problems(result) == [(3, "indicator")]
    assert "Ambitions you convene" in result.errors[0].message


def test_missing_required_columns_are_named():
    result = check("indicator,period\nlife-expectancy-female,2025\n")
    assert result.errors == [(None, "", "The file is missing these columns: value")]
    with pytest.raises(CsvFileError, match="missing these columns: value"):
        count_rows(SPEC, "indicator,period\n")


def test_unknown_columns_are_named():
    with pytest.raises(CsvFileError, match="does not know: colour"):
        count_rows(SPEC, "indicator,period,value,colour\nlife-expectancy-female,2025,1,red\n")


def test_header_names_are_forgiving_and_blank_lines_are_skipped():
    result = check(" Indicator ,PERIOD,Value\n\nlife-expectancy-female,2025,80\n,,\n")
    assert result.ok and result.total_rows == 1
    assert result.records[0].row == 3  # spreadsheet row numbers count the blank line


def test_short_rows_are_checked_and_extra_cells_reported():
    result = check(
        HEADER + "life-expectancy-female\nlife-expectancy-female,2025,,,1,,,extra,cells\n"
    )
    assert problems(result) == [(2, "period"), (2, "value"), (3, "")]
    assert "more cells than there are columns" in result.errors[-1].message


def test_an_unterminated_quote_or_empty_text_is_reported():
    assert not check('indicator,period,value\n"life,2025,1\n').ok
    assert problems(check("")) == [(None, "")]


def test_too_many_rows_is_a_file_problem():
    body = "".join(f"life-expectancy-female,{2000 + i % 100},,,1,,\n" for i in range(20_001))
    result = check(HEADER + body)
    assert problems(result) == [(None, "")]
    assert "more than 20,000 rows" in result.errors[0].message


def test_progress_is_reported_as_rows_are_checked():
    calls = []
    body = "".join(f"life-expectancy-female,{2000 + i},,,1,,\n" for i in range(25))
    check(HEADER + body, progress=calls.append, progress_every=10)
    assert calls == [10, 20]


def test_decode_refuses_huge_binary_and_empty_files():
    with pytest.raises(CsvFileError, match="must be smaller than 5 MB"):
        decode(b"x" * (MAX_IMPORT_BYTES + 1), max_mb=MAX_IMPORT_MB)
    with pytest.raises(CsvFileError, match="UTF-8"):
        decode("café".encode("latin-1"), max_mb=MAX_IMPORT_MB)
    with pytest.raises(CsvFileError, match="not a spreadsheet"):
        decode(b"PK\x03\x04\x00\x00", max_mb=MAX_IMPORT_MB)
    with pytest.raises(CsvFileError, match="empty"):
        decode(b"  \n", max_mb=MAX_IMPORT_MB)
    text = decode("\ufeffindicator,period,value\n".encode(), max_mb=MAX_IMPORT_MB)
    assert text.startswith("indicator")


def test_deprivation_file_needs_every_ward_once_with_a_share():
    ids = {"armley": 1, "e05011385": 1, "beeston & holbeck": 2}
    rows, errors = check_deprivation_csv(
        "# comment\nward,share_most_deprived,source\n"
        "Armley,60,IoD2025\nE05011385,50,\nNowhere,x,\n",
        ids,
    )
    assert [(e.row, e.column) for e in errors] == [
        (4, "ward"),
        (5, "ward"),
        (5, "share_most_deprived"),
    ]
    rows, errors = check_deprivation_csv("ward,share_most_deprived\nArmley,60\n", ids)
    assert [(e.row, e.column) for e in errors] == [(None, "ward")]
    rows, errors = check_deprivation_csv(
        "ward,share_most_deprived\nArmley,60\nBeeston & Holbeck,-1\n", ids
    )
    assert [(e.row, e.column) for e in errors] == [(3, "share_most_deprived")]
    rows, errors = check_deprivation_csv("ward,share\nArmley,60\n", ids)
    assert [(e.row, e.column) for e in errors] == [(1, "share_most_deprived")]
    rows, errors = check_deprivation_csv(
        "ward,share_most_deprived\nArmley,60\nbeeston & holbeck,10\n", ids
    )
    assert errors == [] and {r.ward_id for r in rows} == {1, 2}
