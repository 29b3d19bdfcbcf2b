"""Self-assessment by framework dimension on the dashboard and the gaps page: answers at each
level, the share at level 3 or 4 year on year, the weakest dimensions, and their suppression
against the criterion table published beside them. Every figure is counted by hand below."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from typing import Any

import pytest
from openpyxl import load_workbook

from portal.assessment.models import Criterion, Dimension, Framework
from portal.extensions import db
from portal.insights import tables
from portal.insights.suppression import TOTAL, SuppressedTable, recoverable
from tests.factories import convenor
from tests.insights.test_pages import fig, html_table, plain, snapshot


def add_frameworks() -> None:
    """Anchor: employment (E1, E2) and procurement (P1); business: employment (BE1). Both
    variants title employment "Employment", so it is one dimension of three criteria."""
    for variant, version, dimensions in (
        ("anchor", 97, {"employment": ["E1", "E2"], "procurement": ["P1"]}),
        ("business", 97, {"employment": ["BE1"]}),
    ):
        framework = Framework(variant=variant, version=version, title=f"{variant} test")
        db.session.add(framework)
        db.session.flush()
        for position, (code, criteria) in enumerate(dimensions.items()):
            dimension = Dimension(
                framework_id=framework.id, code=code, title=code.title(), position=position
            )
            db.session.add(dimension)
            db.session.flush()
            for at, criterion in enumerate(criteria):
                db.session.add(
                    Criterion(
                        dimension_id=dimension.id, code=criterion, title=f"Criterion {criterion}",
                        level_1="1", level_2="2", level_3="3", level_4="4", position=at,
                    )
                )  # fmt: skip
    db.session.commit()


def levels(year: str, counts: dict[str, dict[int, int]]) -> list[dict[str, Any]]:
    """level_count figures: one organisation per answer, so the value is the organisations."""
    return [
        fig("assessment.level_count", n, n, dimension=f"{code}:{level}", period=year)
        for code, by_level in counts.items()
        for level, n in by_level.items()
    ]


# 2026: employment 5 + 5 + 11 + 7 = 28 answers, 18 at level 3 or 4 (64.29%), mean 76 / 28;
# procurement 8 + 5 = 13 answers, 5 at level 4 (38.46%), mean 28 / 13.
# 2025: employment 10 + 5 + 5 = 20, 5 at level 4 (25%); procurement 6 + 6 = 12, 6 at 3 (50%).
# Every cell counts 0 or at least 5 organisations: nothing is hidden.
OPEN_2026 = {"E1": {1: 5, 3: 6}, "E2": {2: 5, 4: 7}, "BE1": {3: 5}, "P1": {1: 8, 4: 5}}
OPEN_2025 = {"E1": {1: 10, 2: 5}, "E2": {4: 5}, "P1": {1: 6, 3: 6}}


@pytest.fixture
def open_figures(login) -> None:
    add_frameworks()
    snapshot(levels("2026", OPEN_2026) + levels("2025", OPEN_2025))
    login(convenor("HEALTHY"))


def test_answers_at_each_level_add_up_the_dimensions_criteria(client, open_figures) -> None:
    latest = client.get("/insights/HEALTHY")  # all time: the latest year assessed
    assert html_table(latest, "dimensions") == [
        ["Employment", "5", "5", "11", "7"],
        ["Procurement", "8", "0", "0", "5"],
    ]
    text = latest.get_data(as_text=True)
    assert "Self-assessment levels by framework dimension, 2026 (answers at each level)" in text
    assert "organisation counts as many times as the dimension has criteria" in text
    assert html_table(client.get("/insights/HEALTHY?period=2025"), "dimensions") == [
        ["Employment", "10", "5", "0", "5"],
        ["Procurement", "6", "0", "6", "0"],
    ]
    # A quarter shows its year's assessments (they are yearly).
    quarter = client.get("/insights/HEALTHY?period=2026-Q2")
    assert quarter.status_code == 200


def test_the_share_at_level_three_or_four_year_on_year(client, open_figures) -> None:
    change = client.get("/insights/HEALTHY")
    assert html_table(change, "change") == [
        ["Employment", "25", "64.29", "39.29"],
        ["Procurement", "50", "38.46", "-11.54"],
    ]
    text = change.get_data(as_text=True)
    assert "2025: share at level 3 or 4 (%)" in text
    assert "2026: share at level 3 or 4 (%)" in text
    # 2025 against 2024, when nobody assessed: no share to compare with.
    assert html_table(client.get("/insights/HEALTHY?period=2025"), "change") == [
        ["Employment", "No answers", "25", "No figure"],
        ["Procurement", "No answers", "50", "No figure"],
    ]


def test_the_gaps_page_ranks_the_weakest_dimensions(client, open_figures) -> None:
    gaps = client.get("/insights/HEALTHY/gaps")
    # Procurement 28 / 13 = 2.15, employment 76 / 28 = 2.71.
    assert html_table(gaps, "weakest_dimensions") == [
        ["Procurement", "2.15"],
        ["Employment", "2.71"],
    ]


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("/insights/HEALTHY", "dimensions"),
        ("/insights/HEALTHY", "change"),
        ("/insights/HEALTHY/gaps", "weakest_dimensions"),
    ],
)
def test_the_dimension_tables_export_what_the_page_shows(client, open_figures, path, slug) -> None:
    query = "?period=2026"
    shown = html_table(client.get(path + query), slug)
    exported = client.get(f"{path}/tables/{slug}.csv{query}")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [[plain(c) for c in r] for r in rows[1:]] == [[plain(c) for c in r] for r in shown]
    book = load_workbook(io.BytesIO(client.get(f"{path}/tables/{slug}.xlsx{query}").data))
    sheet = [
        [("" if v is None else str(v)) for v in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert sheet[0] == rows[0]
    assert [[plain(c) for c in r] for r in sheet[1:]] == [[plain(c) for c in r] for r in rows[1:]]
    about = dict(book["About these figures"].iter_rows(values_only=True))
    assert about["Period"] == "2026"


# --------------------------------------------------------------------------- suppression
#
# E1 at level 1 counts 3 organisations. The criterion table hides it and, to protect it, E1 at
# level 3 and P1 (procurement) at levels 1 and 3; E2 (5 at level 1, 5 at level 4) is shown.
# Adding up employment at level 1 (E1 3 + E2 5 = 8, from 5 organisations at least) and
# publishing it would give E1's 3 away (8 - 5): so a dimension figure with a hidden criterion
# figure in it is hidden; employment at level 4 (E2's 5 alone) is shown.
HIDDEN_2026 = {"E1": {1: 3, 3: 7}, "E2": {1: 5, 4: 5}, "P1": {1: 6, 3: 8}}
MEMBERS = {"employment": ["E1", "E2", "BE1"], "procurement": ["P1"]}


def test_a_dimension_hides_what_would_reveal_a_hidden_criterion(client, login) -> None:
    add_frameworks()
    snapshot(levels("2026", HIDDEN_2026))
    login(convenor("HEALTHY"))
    dashboard = client.get("/insights/HEALTHY")
    maturity = {row[0].split()[0]: row[1:] for row in html_table(dashboard, "maturity")}
    assert maturity["E2"] == ["5", "0", "0", "5"]
    assert maturity["E1"] == ["fewer than 5", "0", "fewer than 5", "0"]
    assert maturity["P1"] == ["fewer than 5", "0", "fewer than 5", "0"]
    assert html_table(dashboard, "dimensions") == [
        ["Employment", "fewer than 5", "0", "fewer than 5", "5"],
        ["Procurement", "fewer than 5", "0", "fewer than 5", "0"],
    ]
    assert html_table(dashboard, "change") == [
        ["Employment", "No answers", "fewer than 5", "fewer than 5"],
        ["Procurement", "No answers", "fewer than 5", "fewer than 5"],
    ]
    gaps = client.get("/insights/HEALTHY/gaps")
    assert html_table(gaps, "weakest_dimensions") == [
        ["Employment", "fewer than 5"],
        ["Procurement", "fewer than 5"],
    ]


def _published_equations(
    criteria: SuppressedTable, dimensions: SuppressedTable
) -> tuple[list[dict[Any, Fraction]], list[Any]]:
    """Every figure the two tables publish, as an equation over the hidden criterion cells."""
    cells = list(criteria.cells)
    hidden = [k for k in cells if k in criteria.hidden]

    def equation(parts: list[Any]) -> dict[Any, Fraction]:
        return {k: Fraction(1) for k in parts if k in criteria.hidden}

    figures: list[list[Any]] = []
    for row in (*criteria.row_keys, TOTAL):
        for col in (*criteria.col_keys, TOTAL):
            if (row, col) not in criteria.hidden:
                figures.append([k for k in cells if row in (TOTAL, k[0]) and col in (TOTAL, k[1])])
    for row in (*dimensions.row_keys, TOTAL):
        for col in (*dimensions.col_keys, TOTAL):
            if (row, col) not in dimensions.hidden:
                codes = MEMBERS[row.code] if row is not TOTAL else criteria.row_keys
                figures.append([k for k in cells if k[0] in codes and col in (TOTAL, k[1])])
    return [equation(parts) for parts in figures], hidden


def _rank(rows: list[dict[Any, Fraction]]) -> int:
    rows = [dict(r) for r in rows if r]
    rank = 0
    while rows:
        pivot_row = rows.pop()
        if not pivot_row:
            continue
        pivot = next(iter(pivot_row))
        rank += 1
        for other in rows:
            if pivot in other:
                factor = other[pivot] / pivot_row[pivot]
                for k, v in pivot_row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                    if not other[k]:
                        del other[k]
        rows = [r for r in rows if r]
    return rank


def test_no_hidden_criterion_figure_follows_from_both_tables_together(
    client, login, monkeypatch
) -> None:
    published: list[SuppressedTable] = []
    real = tables.published

    def recording(rows: Any, **totals: Any) -> SuppressedTable:
        table = real(rows, **totals)
        published.append(table)
        return table

    monkeypatch.setattr(tables, "published", recording)
    add_frameworks()
    snapshot(levels("2026", HIDDEN_2026))
    login(convenor("HEALTHY"))
    assert client.get("/insights/HEALTHY").status_code == 200
    criteria = next(t for t in published if "E1" in t.row_keys)
    dimensions = next(
        t for t in published if any(isinstance(k, tables.FrameworkDimension) for k in t.row_keys)
    )
    assert recoverable(criteria) == set()
    assert recoverable(dimensions) == set()
    equations, hidden = _published_equations(criteria, dimensions)
    assert ("E1", 1) in hidden
    base = _rank(equations)
    for cell in hidden:
        assert _rank([*equations, {cell: Fraction(1)}]) > base, f"{cell} can be worked out"
