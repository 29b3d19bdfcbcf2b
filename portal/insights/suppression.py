"""Small-number suppression for every published insights breakdown (issue 12).

Pure: no Flask, no SQLAlchemy. A breakdown is a two-way table ``{row_key: {col_key: Cell}}`` (a
one-way breakdown is a single row) published with its row, column and grand totals.

*Primary* suppression hides every cell (or total) that counts 1 to ``threshold - 1``
organisations; a cell with 0 organisations is shown (there is nobody to protect).

*Secondary* suppression follows Statistics Norway's GaussSuppression (SSBtools/GaussSuppression
R packages, Langsrud): every published figure is a linear combination of the inner cells; the
candidates for publication are taken in a fixed order (cells with 0 organisations, which are
always shown; then the grand, row and column totals; then the inner cells by value, largest
first) and each is published only if, together with everything published before it, it does not
make a primary-suppressed figure linearly determined. A candidate that would is hidden as
*secondary*. So the secondary cells are the smallest ones that protect (tau-Argus and sdcTable
pick them with the same goal, by their hypercube or optimisation methods); a total is hidden
only when no inner cell can protect it (e.g. a row whose other cells are all 0); and a row or
column whose total is shown never has exactly one hidden cell. Secondary cells are then
protected too: if one became determined, the primary cell it once would have revealed would be.
The linear algebra is exact (``fractions.Fraction``) and runs over the unknowns only, so its size
is bounded by the number of totals, not the table's area.

Not covered (documented limits, as in the sources): the singleton problem (one organisation
alone in a hidden pair can subtract its own figure) and totals that are not sums of their cells
(distinct organisation counts): the check assumes they are, which errs on the safe side.

``recoverable(table)`` is the independent check: it solves the system (unknowns = hidden cells,
equations = published totals minus visible cells) and returns the hidden figures whose value is
uniquely determined. Every suppressed table the portal publishes must give an empty set.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

Reason = Literal["primary", "secondary"]
Key = tuple[Hashable, Hashable]
ZERO = Decimal(0)


class _Total:
    """The key of a total row or column: ``hidden[(row, TOTAL)]`` is a row total."""

    _instance: _Total | None = None

    def __new__(cls) -> _Total:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TOTAL"

    def __reduce__(self) -> str:
        return "TOTAL"


TOTAL = _Total()


@dataclass(frozen=True)
class Cell:
    """A true figure and the number of distinct organisations behind it."""

    value: Decimal
    org_count: int


@dataclass(frozen=True)
class ShownCell:
    """One published position: ``value`` is None when ``hidden`` says why."""

    col: Hashable
    value: Decimal | None
    hidden: Reason | None


@dataclass(frozen=True)
class TableRow:
    key: Hashable
    cells: tuple[ShownCell, ...]
    total: ShownCell


@dataclass
class SuppressedTable:
    """A table as it may be published. ``cells`` and the totals hold the true figures; read them
    through ``shown``/``row_total``/``col_total``/``grand_total`` or by iterating the rows."""

    row_keys: tuple[Hashable, ...]
    col_keys: tuple[Hashable, ...]
    cells: dict[Key, Cell]
    row_totals: dict[Hashable, Cell]
    col_totals: dict[Hashable, Cell]
    grand: Cell
    hidden: dict[Key, Reason] = field(default_factory=dict)

    def true_cell(self, row: Hashable, col: Hashable) -> Cell:
        if row is TOTAL and col is TOTAL:
            return self.grand
        if col is TOTAL:
            return self.row_totals[row]
        if row is TOTAL:
            return self.col_totals[col]
        return self.cells[(row, col)]

    def shown(self, row: Hashable, col: Hashable) -> Decimal | None:
        """The published value at (row, col) (either may be TOTAL), None if suppressed."""
        if (row, col) in self.hidden:
            return None
        return self.true_cell(row, col).value

    def reason(self, row: Hashable, col: Hashable) -> Reason | None:
        return self.hidden.get((row, col))

    def row_total(self, row: Hashable) -> Decimal | None:
        return self.shown(row, TOTAL)

    def col_total(self, col: Hashable) -> Decimal | None:
        return self.shown(TOTAL, col)

    @property
    def grand_total(self) -> Decimal | None:
        return self.shown(TOTAL, TOTAL)

    def _shown_cell(self, row: Hashable, col: Hashable) -> ShownCell:
        return ShownCell(col, self.shown(row, col), self.reason(row, col))

    def _row(self, row: Hashable) -> TableRow:
        return TableRow(
            row,
            tuple(self._shown_cell(row, c) for c in self.col_keys),
            self._shown_cell(row, TOTAL),
        )

    @property
    def rows(self) -> list[TableRow]:
        return [self._row(r) for r in self.row_keys]

    @property
    def totals_row(self) -> TableRow:
        """The column totals and the grand total, for a table's footer."""
        return self._row(TOTAL)

    def __iter__(self) -> Iterator[TableRow]:
        return iter(self.rows)


# --- exact linear algebra over the unknown cells -------------------------------------------


class _Echelon:
    """Published equations in reduced row echelon form over the unknown (not published) cells.

    Rows are sparse {cell index: coefficient}; every row has a pivot with coefficient 1 that no
    other row uses. A figure (a set of cells) is determined by what is published exactly when its
    vector restricted to the unknowns reduces to zero against the rows."""

    def __init__(self) -> None:
        self.rows: list[dict[int, Fraction]] = []
        self.pivots: list[int] = []

    def copy(self) -> _Echelon:
        """A trial state. Rows are never changed in place (a change replaces the row), so the
        copy shares them and costs only what the trial then touches."""
        other = _Echelon()
        other.rows = list(self.rows)
        other.pivots = list(self.pivots)
        return other

    def reduce(self, vector: dict[int, Fraction]) -> dict[int, Fraction]:
        v = dict(vector)
        for row, pivot in zip(self.rows, self.pivots, strict=True):
            coef = v.get(pivot)
            if coef:
                _axpy(v, -coef, row)
        return v

    def determined(self, vector: dict[int, Fraction]) -> bool:
        if len(vector) == 1:  # one cell: determined iff a row says exactly that cell's value
            (cell,) = vector
            return cell in self.pivots and len(self.rows[self.pivots.index(cell)]) == 1
        return not self.reduce(vector)

    def _install(self, row: dict[int, Fraction], at: int | None) -> None:
        """Make ``row`` (reduced, non-empty, not shared) a pivot row; clear its pivot elsewhere."""
        pivot = min(row)
        scale = 1 / row[pivot]
        for k in row:
            row[k] *= scale
        for j, other in enumerate(self.rows):
            if j != at and pivot in other:
                replaced = dict(other)
                _axpy(replaced, -other[pivot], row)
                self.rows[j] = replaced
        if at is None:
            self.rows.append(row)
            self.pivots.append(pivot)
        else:
            self.rows[at] = row
            self.pivots[at] = pivot

    def add(self, vector: dict[int, Fraction]) -> None:
        """Publish one more equation (a total restricted to the unknowns)."""
        v = self.reduce(vector)
        if v:
            self._install(v, None)

    def remove_unknown(self, cell: int) -> None:
        """Publish one cell: it stops being an unknown."""
        for j, row in enumerate(self.rows):
            if cell in row:
                self.rows[j] = {k: x for k, x in row.items() if k != cell}
        if cell not in self.pivots:
            return
        at = self.pivots.index(cell)
        if self.rows[at]:
            self._install(self.rows[at], at)
        else:
            del self.rows[at]
            del self.pivots[at]


def _axpy(target: dict[int, Fraction], coef: Fraction, source: dict[int, Fraction]) -> None:
    for k, x in source.items():
        y = target.get(k, Fraction(0)) + coef * x
        if y:
            target[k] = y
        else:
            target.pop(k, None)


# --- the table's structure ------------------------------------------------------------------


@dataclass
class _Structure:
    """Inner cells numbered 0..n-1 (row-major) and each total as the set of cells it sums.

    A total made of one cell (a column of a one-row table) or the same cells as another total (the
    row total of a one-row table is the grand total) is the same figure: it is an *alias* and
    takes the status of its canonical figure."""

    index: dict[Key, int]
    totals: dict[Key, frozenset[int]]
    alias: dict[Key, Key]  # total key -> canonical key (an inner cell or another total)

    @classmethod
    def of(cls, table: SuppressedTable) -> _Structure:
        index = {(r, c): i for i, (r, c) in enumerate(_positions(table))}
        by_row: dict[Key, frozenset[int]] = {
            (r, TOTAL): frozenset(index[(r, c)] for c in table.col_keys) for r in table.row_keys
        }
        by_col: dict[Key, frozenset[int]] = {
            (TOTAL, c): frozenset(index[(r, c)] for r in table.row_keys) for c in table.col_keys
        }
        totals: dict[Key, frozenset[int]] = {
            (TOTAL, TOTAL): frozenset(index.values()),
            **by_row,
            **by_col,
        }
        cell_of = {i: k for k, i in index.items()}
        alias: dict[Key, Key] = {}
        first: dict[frozenset[int], Key] = {}
        for key, cells in totals.items():
            if len(cells) == 1:
                alias[key] = cell_of[next(iter(cells))]
            elif cells in first:
                alias[key] = first[cells]
            else:
                first[cells] = key
        return cls(index, totals, alias)

    def canonical_totals(self) -> dict[Key, frozenset[int]]:
        return {k: v for k, v in self.totals.items() if k not in self.alias}

    def vector(self, cells: Iterable[int], unknown: set[int]) -> dict[int, Fraction]:
        return {i: Fraction(1) for i in cells if i in unknown}


def _positions(table: SuppressedTable) -> list[Key]:
    return [(r, c) for r in table.row_keys for c in table.col_keys]


# --- suppression ----------------------------------------------------------------------------


def suppress(
    rows: Mapping[Hashable, Mapping[Hashable, Cell]],
    threshold: int = 5,
    *,
    row_totals: Mapping[Hashable, Cell] | None = None,
    col_totals: Mapping[Hashable, Cell] | None = None,
    grand_total: Cell | None = None,
) -> SuppressedTable:
    """Suppress a table for publication (see the module docstring for the rule).

    Pass the true totals with their distinct organisation counts where you have them (an
    organisation active in two wards counts once in the total). A total not passed is the sum of
    its cells with the largest cell's organisation count (a lower bound: it errs towards hiding).
    A cell missing from a row is 0 with 0 organisations."""
    row_keys = tuple(rows)
    col_keys = tuple(dict.fromkeys(c for cols in rows.values() for c in cols))
    empty = Cell(ZERO, 0)
    cells = {(r, c): rows[r].get(c, empty) for r in row_keys for c in col_keys}

    def summed(group: list[Cell]) -> Cell:
        return Cell(
            sum((x.value for x in group), ZERO), max((x.org_count for x in group), default=0)
        )

    given_rows, given_cols = row_totals or {}, col_totals or {}
    table = SuppressedTable(
        row_keys=row_keys,
        col_keys=col_keys,
        cells=cells,
        row_totals={
            r: given_rows.get(r) or summed([cells[(r, c)] for c in col_keys]) for r in row_keys
        },
        col_totals={
            c: given_cols.get(c) or summed([cells[(r, c)] for r in row_keys]) for c in col_keys
        },
        grand=grand_total or summed(list(cells.values())),
    )
    table.hidden = _hide_remembered(table, threshold)
    return table


# What `_hide` decided for recently seen tables. `_hide` is a pure function of the table's true
# figures, so the same figures (the same snapshot, scope and table) always give the same answer;
# the exact elimination behind it costs up to a second for a dashboard at city scale, and a page
# otherwise repeats it on every request. Bounded, per process; a new snapshot's figures miss.
_HIDDEN_CACHE: dict[tuple, dict[Key, Reason]] = {}
_HIDDEN_CACHE_SIZE = 512


def _hide_remembered(table: SuppressedTable, threshold: int) -> dict[Key, Reason]:
    key = (
        threshold,
        table.row_keys,
        table.col_keys,
        tuple(table.cells.items()),
        tuple(table.row_totals.items()),
        tuple(table.col_totals.items()),
        table.grand,
    )
    try:
        found = _HIDDEN_CACHE.get(key)
    except TypeError:  # a key that cannot be hashed: decide afresh
        return _hide(table, threshold)
    if found is None:
        found = _hide(table, threshold)
        if len(_HIDDEN_CACHE) >= _HIDDEN_CACHE_SIZE:
            _HIDDEN_CACHE.clear()
        _HIDDEN_CACHE[key] = found
    return dict(found)


def _hide(table: SuppressedTable, threshold: int) -> dict[Key, Reason]:
    s = _Structure.of(table)
    hidden: dict[Key, Reason] = {}

    def primary(key: Key) -> bool:
        return 0 < table.true_cell(*key).org_count < threshold

    for key in s.index:
        if primary(key):
            hidden[key] = "primary"
    for key in s.canonical_totals():
        if primary(key):
            hidden[key] = "primary"
    for key, canonical in s.alias.items():  # the same figure: small under either count
        if primary(key):
            hidden[canonical] = "primary"

    # Cells with no organisations are always shown, so they are never unknowns.
    unknown = {i for k, i in s.index.items() if table.cells[k].org_count > 0 or k in hidden}
    protected = [s.totals[k] if k in s.totals else frozenset({s.index[k]}) for k in hidden]

    def revealed(state: _Echelon) -> bool:
        return any(state.determined(s.vector(cells, unknown)) for cells in protected)

    state = _Echelon()
    if revealed(state):  # a protected total made only of zero cells: nothing can help it
        protected = [c for c in protected if not state.determined(s.vector(c, unknown))]
    for key, cells in s.canonical_totals().items():
        if key in hidden:
            continue
        trial = state.copy()
        trial.add(s.vector(cells, unknown))
        if revealed(trial):
            hidden[key] = "secondary"
        else:
            state = trial

    candidates = sorted(
        (k for k, i in s.index.items() if i in unknown and k not in hidden),
        key=lambda k: (-table.cells[k].value, -table.cells[k].org_count),
    )
    for key in candidates:
        trial = state.copy()
        trial.remove_unknown(s.index[key])
        unknown.discard(s.index[key])
        if revealed(trial):
            hidden[key] = "secondary"
            unknown.add(s.index[key])
        else:
            state = trial

    for key, canonical in s.alias.items():
        if canonical in hidden:
            hidden[key] = hidden[canonical]
    return hidden


def recoverable(table: SuppressedTable) -> set[Key]:
    """The hidden figures of ``table`` whose value follows exactly from what it publishes."""
    s = _Structure.of(table)
    unknown = {i for k, i in s.index.items() if k in table.hidden}
    state = _Echelon()
    for key, cells in s.canonical_totals().items():
        if key not in table.hidden:
            state.add(s.vector(cells, unknown))
    found: set[Key] = set()
    for key, i in s.index.items():
        if key in table.hidden and state.determined({i: Fraction(1)}):
            found.add(key)
    for key, cells in s.canonical_totals().items():
        if key in table.hidden and state.determined(s.vector(cells, unknown)):
            found.add(key)
    for key, canonical in s.alias.items():
        if key in table.hidden and (canonical in found or canonical not in table.hidden):
            found.add(key)
    return found
