"""Small-number suppression: what a published breakdown may show (issue 12)."""

from __future__ import annotations

import random
from decimal import Decimal

from portal.insights.suppression import TOTAL, Cell, SuppressedTable, recoverable, suppress


def cell(value: int, orgs: int) -> Cell:
    return Cell(Decimal(value), orgs)


def published_totals_hide_zero_or_several(table: SuppressedTable) -> None:
    """A row or column whose total is shown never has exactly one hidden cell."""
    for r in table.row_keys:
        if table.row_total(r) is not None and len(table.row_keys) > 0:
            assert sum((r, c) in table.hidden for c in table.col_keys) != 1, r
    for c in table.col_keys:
        if table.col_total(c) is not None:
            assert sum((r, c) in table.hidden for r in table.row_keys) != 1, c


def test_cells_of_one_to_four_organisations_are_hidden_and_zero_is_shown() -> None:
    table = suppress(
        {
            "E05000001": {"HEALTHY": cell(0, 0), "GROWING": cell(30, 7), "THRIVING": cell(4, 4)},
            "E05000002": {"HEALTHY": cell(12, 6), "GROWING": cell(50, 9), "THRIVING": cell(1, 1)},
            "E05000003": {"HEALTHY": cell(20, 8), "GROWING": cell(40, 5), "THRIVING": cell(60, 5)},
        }
    )
    assert table.shown("E05000001", "HEALTHY") == 0
    assert table.hidden[("E05000001", "THRIVING")] == "primary"
    assert table.hidden[("E05000002", "THRIVING")] == "primary"
    assert table.shown("E05000001", "THRIVING") is None
    assert table.reason("E05000003", "GROWING") != "primary"  # exactly 5 organisations
    assert table.grand_total == 217
    assert recoverable(table) == set()


def test_secondary_suppression_hides_the_smallest_cell_that_protects() -> None:
    table = suppress(
        {
            "ward A": {"GROWING": cell(3, 2), "HEALTHY": cell(100, 20), "THRIVING": cell(10, 6)},
            "ward B": {"GROWING": cell(80, 9), "HEALTHY": cell(90, 12), "THRIVING": cell(15, 7)},
        }
    )
    # Row A's total minus its visible cells would give the primary cell away, so the smaller
    # of its other cells goes too, and then its column partner, and so on.
    assert table.hidden[("ward A", "GROWING")] == "primary"
    assert table.hidden[("ward A", "THRIVING")] == "secondary"
    assert table.hidden[("ward B", "GROWING")] == "secondary"
    assert table.hidden[("ward B", "THRIVING")] == "secondary"
    assert table.shown("ward A", "HEALTHY") == 100
    assert table.row_total("ward A") == 113
    assert table.col_total("GROWING") == 83
    assert recoverable(table) == set()
    published_totals_hide_zero_or_several(table)


def test_one_way_breakdown_hides_a_second_cell_and_its_column_totals_are_its_cells() -> None:
    table = suppress(
        {"all": {1: cell(2, 3), 2: cell(7, 6), 3: cell(90, 15), 4: cell(55, 10)}},
        grand_total=cell(154, 30),
    )
    assert table.hidden[("all", 1)] == "primary"
    assert table.hidden[("all", 2)] == "secondary"  # the smallest other decile
    assert table.shown("all", 3) == 90
    assert table.grand_total == 154
    assert table.row_total("all") == 154
    assert table.col_total(1) is None and table.col_total(3) == 90
    assert recoverable(table) == set()


def test_total_is_suppressed_when_no_cell_can_protect_it() -> None:
    # HEALTHY's only organisations are in ward A (its other cells are 0, always shown), so its
    # column total is ward A's HEALTHY cell: with ward A's total it would give the small GROWING
    # cell away, and hiding cells cannot stop that. The column total goes.
    table = suppress(
        {
            "ward A": {"GROWING": cell(3, 2), "HEALTHY": cell(40, 6), "THRIVING": cell(0, 0)},
            "ward B": {"GROWING": cell(80, 9), "HEALTHY": cell(0, 0), "THRIVING": cell(15, 7)},
            "ward C": {"GROWING": cell(70, 8), "HEALTHY": cell(0, 0), "THRIVING": cell(25, 6)},
        }
    )
    assert table.shown("ward B", "HEALTHY") == 0
    assert table.col_total("HEALTHY") is None
    assert table.hidden[(TOTAL, "HEALTHY")] == "secondary"
    assert table.row_total("ward A") == 43
    assert table.grand_total == 233
    assert recoverable(table) == set()
    published_totals_hide_zero_or_several(table)


def test_a_small_total_is_itself_hidden() -> None:
    table = suppress(
        {
            "ward A": {"GROWING": cell(3, 2), "HEALTHY": cell(4, 2)},
            "ward B": {"GROWING": cell(8, 9)},
        },
        row_totals={"ward A": cell(7, 3), "ward B": cell(8, 9)},
    )
    assert table.hidden[("ward A", TOTAL)] == "primary"
    assert table.shown("ward B", "HEALTHY") == 0  # missing is 0 with no organisations
    assert recoverable(table) == set()


def test_recoverable_finds_a_cell_an_under_suppressed_table_gives_away() -> None:
    honest = suppress(
        {
            "ward A": {"GROWING": cell(3, 2), "HEALTHY": cell(100, 20), "THRIVING": cell(10, 6)},
            "ward B": {"GROWING": cell(80, 9), "HEALTHY": cell(90, 12), "THRIVING": cell(15, 7)},
        }
    )
    primary_only = SuppressedTable(
        honest.row_keys,
        honest.col_keys,
        honest.cells,
        honest.row_totals,
        honest.col_totals,
        honest.grand,
        {k: v for k, v in honest.hidden.items() if v == "primary"},
    )
    assert recoverable(primary_only) == {("ward A", "GROWING")}
    # Two hidden cells in a row are not enough when their column totals pin them down.
    leaky = SuppressedTable(
        honest.row_keys,
        honest.col_keys,
        honest.cells,
        honest.row_totals,
        honest.col_totals,
        honest.grand,
        {("ward A", "GROWING"): "primary", ("ward A", "THRIVING"): "secondary"},
    )
    assert recoverable(leaky) == {("ward A", "GROWING"), ("ward A", "THRIVING")}


def test_rows_iterate_for_templates_and_exports() -> None:
    table = suppress(
        {"a": {"x": cell(3, 1), "y": cell(9, 9)}, "b": {"x": cell(6, 6), "y": cell(7, 7)}}
    )
    rows = list(table)
    assert [r.key for r in rows] == ["a", "b"]
    assert [(c.col, c.value, c.hidden) for c in rows[0].cells] == [
        ("x", None, "primary"),
        ("y", None, "secondary"),
    ]
    assert rows[0].total.value == 12
    assert table.totals_row.total.value == 25


def random_table(rng: random.Random) -> dict[str, dict[str, Cell]]:
    n_rows, n_cols = rng.randint(1, 7), rng.randint(1, 6)
    small = rng.random()
    rows: dict[str, dict[str, Cell]] = {}
    for r in range(n_rows):
        rows[f"r{r}"] = {}
        for c in range(n_cols):
            orgs = rng.choice([0, 0, 1, 2, 3, 4]) if rng.random() < small else rng.randint(5, 40)
            value = 0 if orgs == 0 else rng.randint(orgs, orgs * 20)
            rows[f"r{r}"][f"c{c}"] = cell(value, orgs)
    return rows


def test_no_suppressed_table_gives_a_hidden_cell_away() -> None:
    rng = random.Random(12)
    for _ in range(400):
        rows = random_table(rng)
        # Half the time, true row totals whose distinct organisations are fewer than the sum
        # of the cells' (one organisation in several columns): some totals are then small.
        row_totals = None
        if rng.random() < 0.5:
            row_totals = {
                r: Cell(
                    sum((c.value for c in cols.values()), Decimal(0)),
                    rng.randint(
                        max(c.org_count for c in cols.values()),
                        sum(c.org_count for c in cols.values()),
                    ),
                )
                for r, cols in rows.items()
            }
        table = suppress(rows, row_totals=row_totals)
        for r, t in (row_totals or {}).items():
            if 0 < t.org_count < 5 and len(table.col_keys) > 1:
                assert table.row_total(r) is None
        for key, c in table.cells.items():
            if 0 < c.org_count < 5:
                assert table.hidden[key] == "primary"
            elif c.org_count == 0:
                assert key not in table.hidden
            if key not in table.hidden:
                assert table.shown(*key) == c.value
        assert recoverable(table) == set(), table
        published_totals_hide_zero_or_several(table)


def test_a_one_row_table_hides_its_grand_total_when_its_row_total_is_small() -> None:
    # One organisation in both columns: 3 distinct organisations, though the cells say 3 and 2.
    table = suppress({"all": {"x": cell(10, 3), "y": cell(5, 2)}}, row_totals={"all": cell(15, 3)})
    assert table.row_total("all") is None
    assert table.grand_total is None
    assert recoverable(table) == set()


def test_the_same_figures_are_suppressed_alike_when_remembered(monkeypatch) -> None:
    """A page repeats a table's suppression on every request; the answer is remembered by the
    true figures, so the same figures hide the same cells and changed figures are decided anew."""
    from portal.insights import suppression

    decided: list[int] = []
    real_hide = suppression._hide

    def counting_hide(table, threshold):
        decided.append(1)
        return real_hide(table, threshold)

    monkeypatch.setattr(suppression, "_hide", counting_hide)
    monkeypatch.setattr(suppression, "_HIDDEN_CACHE", {})
    rows = {
        "ward A": {"GROWING": cell(3, 2), "HEALTHY": cell(100, 20), "THRIVING": cell(10, 6)},
        "ward B": {"GROWING": cell(80, 9), "HEALTHY": cell(90, 12), "THRIVING": cell(15, 7)},
    }
    first = suppress(rows)
    first.hidden.clear()  # what one caller does with its table never reaches the next one
    again = suppress(rows)
    assert len(decided) == 1
    assert again.hidden[("ward A", "GROWING")] == "primary"
    assert again.hidden[("ward B", "THRIVING")] == "secondary"
    changed = suppress({**rows, "ward A": {**rows["ward A"], "GROWING": cell(3, 6)}})
    assert len(decided) == 2
    assert ("ward A", "GROWING") not in changed.hidden
