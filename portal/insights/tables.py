"""The tables the insights pages publish, built from the snapshot (`read`) and suppressed.

One `Table` feeds the page (table, then chart), the CSV and the XLSX export, so an export always
equals the page. Every breakdown of organisation-based figures goes through `suppress` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..assessment.models import LEVELS, Criterion, Dimension
from ..core.models import Ambition, Goal, Ward
from ..core.reference import all_ambitions
from ..extensions import db
from ..scorecard.models import Indicator, WardDeprivation
from . import read
from .suppression import TOTAL, Cell, SuppressedTable, suppress

FEWER = "fewer than 5"
ALL = "all"

ACTIVITIES = "activities.count"
ORGANISATIONS = "activities.organisations"
PEOPLE = "activities.people_reached"
HOURS = "activities.volunteer_hours"
SPEND = "activities.spend"
PROMISED = "pledges.promised"
DELIVERED = "pledges.delivered"
GAP = "pledges.gap"
AT_RISK = "pledges.at_risk"
LAPSED = "pledges.lapsed"
MATCHES_DELIVERED = "exchange.matches_delivered"
UNMET = "exchange.unmet_requests"
LEVEL_COUNT = "assessment.level_count"
EVENTS_HELD = "events.held"
EVENT_PEOPLE = "events.people_reached"
LATEST = "scorecard.latest"
DIRECTION = "scorecard.direction"

LABELS = {
    ACTIVITIES: "Activities",
    ORGANISATIONS: "Organisations taking part",
    PEOPLE: "People reached",
    HOURS: "Volunteer hours",
    SPEND: "Spend (£)",
    PROMISED: "Social value promised (£)",
    DELIVERED: "Social value delivered (£)",
    GAP: "Still to deliver (£)",
    MATCHES_DELIVERED: "Exchanges delivered",
    UNMET: "Unmet requests",
    AT_RISK: "At risk: delivery more than 25 points behind time elapsed",
    LAPSED: "Lapsed: past their end date short of target",
    EVENTS_HELD: "Events held",
    EVENT_PEOPLE: "People at events",
}
HEADLINE = (
    ACTIVITIES,
    PEOPLE,
    HOURS,
    SPEND,
    PROMISED,
    DELIVERED,
    MATCHES_DELIVERED,
    EVENTS_HELD,
    EVENT_PEOPLE,
)
TREND = (ACTIVITIES, PEOPLE, HOURS, SPEND, DELIVERED, MATCHES_DELIVERED)
AREA = (ACTIVITIES, ORGANISATIONS, PEOPLE, HOURS, MATCHES_DELIVERED)
BY_DIMENSION = ("dimension",)
DIRECTION_WORDS = {1: "Improving", 0: "No change", -1: "Getting worse"}


@dataclass
class Row:
    label: str
    values: list[Any]  # a number, text, or None where the figure is suppressed
    link: str | None = None


@dataclass
class Table:
    """One published table: a caption, column headings and rows; `chart` names the column drawn."""

    slug: str
    title: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    chart: int | None = 1  # the column (index into header) the bar chart shows, or none
    note: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(value is None for row in self.rows for value in row.values)

    def export_rows(self) -> Iterable[list[Any]]:
        """What the CSV and XLSX carry: the rows on screen, "fewer than 5" for hidden cells."""
        for row in self.rows:
            yield [row.label, *(FEWER if value is None else value for value in row.values)]

    def bars(self) -> list[tuple[str, Any]]:
        """(label, value) for the chart; hidden cells draw no bar."""
        if self.chart is None:
            return []
        return [(row.label, _number(row.values[self.chart - 1])) for row in self.rows]


def _number(value: Any) -> Any:
    """A chartable value: numbers as they are, text ("No figure") as no bar."""
    return value if isinstance(value, int | Decimal) else None


def published(rows: dict[Any, dict[Any, Cell]], **totals: Any) -> SuppressedTable:
    """The one place a breakdown is suppressed before it is shown or exported (`totals`: the
    true totals, where the caller has them; see `suppress`)."""
    return suppress(rows, **totals)


def _cell(figure: read.FigureRow | None) -> Cell:
    if figure is None:
        return Cell(Decimal(0), 0)
    return Cell(figure.value, figure.org_count)


def _one_way(
    measure: str, by: str, keys: Iterable[Any], filters: dict[str, Any]
) -> SuppressedTable:
    """`measure` broken down by one column, over `keys` (missing keys are zero), suppressed."""
    found = {row.key[by]: row for row in read.figures(measure, by=(by,), **filters)}
    return published({measure: {key: _cell(found.get(key)) for key in keys}})


def _plain(value: Any) -> Any:
    """Whole numbers as int, others as Decimal to 2 places: what a person reads and exports."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))


def _shown(table: SuppressedTable, row: Any, col: Any) -> Any:
    return _plain(table.shown(row, col))


@dataclass(frozen=True)
class Scope:
    """What a page shows: one Ambition (or all), and the filters from the form."""

    ambition: Ambition | None
    period: str = ALL
    network_id: int | None = None
    org_kind: str | None = None
    ward: str | None = None

    def filters(self, *, period: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ambition": self.ambition.code if self.ambition else None,
            "network_id": self.network_id,
            "org_kind": self.org_kind,
            "ward": self.ward,
        }
        if period:
            found["period"] = self.period
        return found


def headline(scope: Scope, link: Callable[[str], str | None] | None = None) -> Table:
    table = Table("headline", "Headline figures", ["Figure", "Value"], chart=None)
    for measure in HEADLINE:
        figure = published({measure: {ALL: _cell(read.total(measure, **scope.filters()))}})
        table.rows.append(
            Row(LABELS[measure], [_shown(figure, measure, ALL)], link(measure) if link else None)
        )
    return table


def trend(scope: Scope) -> Table:
    """Each quarter with data (or each year when there are no quarters), oldest first."""
    periods = read.periods()
    quarters = sorted(p for p in periods if "-Q" in p)
    shown = quarters or sorted(p for p in periods if p != ALL)
    columns = [_one_way(measure, "period", shown, scope.filters(period=False)) for measure in TREND]
    table = Table("trend", "Trend by period", ["Period", *(LABELS[m] for m in TREND)])
    for period in shown:
        values = [_shown(column, m, period) for column, m in zip(columns, TREND, strict=True)]
        table.rows.append(Row(period.replace("-", " "), values))
    return table


def _area_table(
    slug: str, title: str, heading: str, by: str, keys: list[tuple[Any, str]], scope: Scope
) -> Table:
    columns = [_one_way(m, by, [key for key, _ in keys], scope.filters()) for m in AREA]
    table = Table(slug, title, [heading, *(LABELS[m] for m in AREA)])
    for key, label in keys:
        values = [_shown(column, m, key) for column, m in zip(columns, AREA, strict=True)]
        table.rows.append(Row(label, values))
    return table


def wards(scope: Scope, wards: list[Ward]) -> Table:
    keys = [(w.ons_code, w.name) for w in wards if scope.ward in (None, w.ons_code)]
    return _area_table("wards", "By ward", "Ward", "ward_code", keys, scope)


def deciles(scope: Scope) -> Table:
    keys = [(d, f"{d}{' (most deprived)' if d == 1 else ''}") for d in range(1, 11)]
    return _area_table("deciles", "By ward deprivation decile", "Decile", "decile", keys, scope)


def _criterion_titles() -> dict[str, str]:
    return {
        row.code: row.title for row in db.session.execute(select(Criterion.code, Criterion.title))
    }


LevelCells = dict[str, dict[int, Cell]]  # {criterion code: {level: Cell}}


def _levels_by_year(scope: Scope) -> dict[str, LevelCells]:
    """{year: {criterion code: {level: Cell}}} from the network's submitted self-assessments
    (every Ambition: an assessment belongs to no one Ambition), one query for every year."""
    filters = {**scope.filters(period=False), "ambition": None}
    years: dict[str, LevelCells] = {}
    for figure in read.figures(LEVEL_COUNT, by=("period", "dimension"), **filters):
        period = str(figure.key["period"])
        code, _, level_text = str(figure.key["dimension"]).rpartition(":")
        if period.isdigit() and code and level_text.isdigit() and int(level_text) in LEVELS:
            years.setdefault(period, {}).setdefault(code, {})[int(level_text)] = _cell(figure)
    for cells in years.values():
        for row in cells.values():
            for level in LEVELS:
                row.setdefault(level, Cell(Decimal(0), 0))
    return years


def _assessment_year(scope: Scope, years: Iterable[str]) -> str | None:
    """The year a page's self-assessment tables show: the period's year (assessments are
    yearly, so a quarter shows its year), or for "all time" the latest year assessed."""
    if scope.period != ALL:
        return scope.period.split("-")[0]
    return max(years, default=None)


def _maturity_cells(scope: Scope) -> tuple[str | None, LevelCells]:
    years = _levels_by_year(scope)
    year = _assessment_year(scope, years)
    return year, years.get(year, {}) if year else {}


def _in_year(title: str, year: str | None) -> str:
    return f"{title}, {year}" if year else title


def maturity(scope: Scope) -> Table:
    year, cells = _maturity_cells(scope)
    table_cells = published(cells) if cells else None
    titles = _criterion_titles()
    table = Table(
        "maturity",
        _in_year("Self-assessment levels by criterion", year) + " (organisations at each level)",
        ["Criterion", *(f"{level}. {name}" for level, name in LEVELS.items())],
        chart=None,
    )
    for code in sorted(cells):
        values = [_shown(table_cells, code, level) for level in LEVELS] if table_cells else []
        table.rows.append(Row(f"{code} {titles.get(code, '')}".strip(), values))
    return table


def weakest(scope: Scope) -> Table:
    """Criteria by average level, lowest first; withheld where a level count is suppressed
    (the average would let a hidden count be worked out)."""
    _year, cells = _maturity_cells(scope)
    table_cells = published(cells) if cells else None
    titles = _criterion_titles()
    ranked: list[tuple[Decimal | None, str]] = []
    for code, levels in cells.items():
        assert table_cells is not None
        if any(table_cells.shown(code, level) is None for level in levels):
            ranked.append((None, code))
            continue
        count = sum(cell.value for cell in levels.values())
        total = sum(level * cell.value for level, cell in levels.items())
        ranked.append(((Decimal(total) / count).quantize(Decimal("0.01")) if count else None, code))
    ranked.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
    table = Table(
        "weakest",
        "Where the network is weakest (average level, 1 to 4)",
        ["Criterion", "Average level"],
    )
    for mean, code in ranked:
        table.rows.append(Row(f"{code} {titles.get(code, '')}".strip(), [mean]))
    return table


# --- self-assessment by framework dimension ------------------------------------------------
#
# The snapshot counts organisations per criterion and level. A dimension's figure here is the
# number of *answers* at each level: the sum over the dimension's criteria, so an organisation
# counts once per criterion it answered (it is not a count of organisations). The dimension
# table is published beside the criterion table, and its figures are sums of that table's
# cells, so it may only publish what the criterion table already lets anyone add up: a
# dimension figure with a hidden criterion figure in it is hidden too, and then protected
# within the dimension table by the usual secondary suppression.

ANSWERS_NOTE = (
    "Answers at each level: every criterion an organisation answered counts once, so an "
    "organisation counts as many times as the dimension has criteria it answered."
)
HIGH_LEVELS = (3, 4)  # Embedding and Leading


@dataclass(frozen=True)
class FrameworkDimension:
    code: str
    title: str


def _dimensions_of_criteria() -> dict[str, FrameworkDimension]:
    """{criterion code: its dimension}. Frameworks share dimension codes ("employment" in the
    anchor and business variants), so a dimension is its code; where variants title it
    differently, the titles are joined."""
    rows = db.session.execute(
        select(Criterion.code, Dimension.code.label("dimension"), Dimension.title)
        .join(Dimension, Dimension.id == Criterion.dimension_id)
        .order_by(Dimension.framework_id, Dimension.position, Criterion.position)
    ).all()
    titles: dict[str, list[str]] = {}
    for row in rows:
        names = titles.setdefault(row.dimension, [])
        if row.title not in names:
            names.append(row.title)
    return {
        row.code: FrameworkDimension(row.dimension, " / ".join(titles[row.dimension]))
        for row in rows
    }


def _dimension_table(
    cells: LevelCells, dimensions: dict[str, FrameworkDimension]
) -> tuple[list[FrameworkDimension], SuppressedTable | None]:
    """The answers per dimension and level, suppressed so that it reveals nothing the suppressed
    criterion table (built from the same `cells`) does not."""
    if not cells:
        return [], None
    criteria = published(cells)
    # A criterion no framework has any more stands as its own dimension.
    dimension_of = {
        code: dimensions.get(code) or FrameworkDimension(code, code) for code in sorted(cells)
    }
    order = list(dict.fromkeys(sorted(dimension_of.values(), key=_first_seen(dimensions))))
    members = {d: [c for c, of in dimension_of.items() if of == d] for d in order}
    forced = 1  # an organisation count that hides the figure: it sums a hidden one

    def summed(parts: list[tuple[Any, Any]]) -> Cell:
        value = sum((criteria.true_cell(c, col).value for c, col in parts), Decimal(0))
        if any(criteria.shown(c, col) is None for c, col in parts):
            return Cell(value, forced)
        return Cell(value, max((criteria.true_cell(c, col).org_count for c, col in parts)))

    rows = {d: {level: summed([(c, level) for c in members[d]]) for level in LEVELS} for d in order}
    row_totals = {d: summed([(c, TOTAL) for c in members[d]]) for d in order}
    col_totals = {level: summed([(TOTAL, level)]) for level in LEVELS}
    return order, published(
        rows, row_totals=row_totals, col_totals=col_totals, grand_total=summed([(TOTAL, TOTAL)])
    )


def _first_seen(dimensions: dict[str, FrameworkDimension]) -> Callable[[FrameworkDimension], Any]:
    """Dimensions in framework order (as `_dimensions_of_criteria` found them), unknown last."""
    position = {d: i for i, d in enumerate(dict.fromkeys(dimensions.values()))}
    return lambda d: (d not in position, position.get(d, 0), d.code)


def _share_high(table: SuppressedTable, dimension: FrameworkDimension) -> Any:
    """The share (%) of a dimension's answers at level 3 or 4, from published figures only:
    None where a figure it needs is hidden, NO_ANSWERS where there were no answers."""
    shown = {level: table.shown(dimension, level) for level in LEVELS}
    total: Decimal | None = table.shown(dimension, TOTAL)
    if total is None and None not in shown.values():
        total = sum((v or Decimal(0) for v in shown.values()), Decimal(0))
    high_levels = [shown[level] for level in HIGH_LEVELS]
    low_levels = [v for level, v in shown.items() if level not in HIGH_LEVELS]
    if None not in high_levels:
        high = sum(v or 0 for v in high_levels)
    elif total is not None and None not in low_levels:
        high = total - sum(v or 0 for v in low_levels)  # what the published total implies
    else:
        return None
    if total is None:
        return None
    if not total:
        return NO_ANSWERS
    return _plain(Decimal(high) * 100 / Decimal(total))


def dimensions(scope: Scope) -> Table:
    """Self-assessment answers at each level per framework dimension, for the page's year."""
    year, cells = _maturity_cells(scope)
    order, table_cells = _dimension_table(cells, _dimensions_of_criteria())
    table = Table(
        "dimensions",
        _in_year("Self-assessment levels by framework dimension", year)
        + " (answers at each level)",
        ["Dimension", *(f"{level}. {name}" for level, name in LEVELS.items())],
        chart=None,
        note=ANSWERS_NOTE,
    )
    for dimension in order:
        assert table_cells is not None
        values = [_shown(table_cells, dimension, level) for level in LEVELS]
        table.rows.append(Row(dimension.title, values))
    return table


NO_ANSWERS = "No answers"


def dimension_change(scope: Scope) -> Table:
    """Per framework dimension: the share of answers at level 3 or 4 last year and this year
    (the page's year), and the change in percentage points."""
    years = _levels_by_year(scope)
    year = _assessment_year(scope, years)
    last = str(int(year) - 1) if year else None
    known = _dimensions_of_criteria()
    this_order, this_table = _dimension_table(years.get(year, {}) if year else {}, known)
    last_order, last_table = _dimension_table(years.get(last, {}) if last else {}, known)
    table = Table(
        "change",
        "Change since last year by framework dimension (share of answers at level 3 or 4)",
        [
            "Dimension",
            f"{last or 'Last year'}: share at level 3 or 4 (%)",
            f"{year or 'This year'}: share at level 3 or 4 (%)",
            "Change (percentage points)",
        ],
        chart=2,
        note="Level 3 is Embedding and level 4 is Leading. " + ANSWERS_NOTE,
    )
    order = list(dict.fromkeys([*this_order, *last_order]))
    order.sort(key=_first_seen(known))
    for dimension in order:
        before = (
            _share_high(last_table, dimension)
            if last_table and dimension in last_order
            else NO_ANSWERS
        )
        now = (
            _share_high(this_table, dimension)
            if this_table and dimension in this_order
            else NO_ANSWERS
        )
        if before is None or now is None:
            change: Any = None
        elif isinstance(before, Decimal | int) and isinstance(now, Decimal | int):
            change = _plain(Decimal(now) - Decimal(before))
        else:
            change = NO_FIGURE
        table.rows.append(Row(dimension.title, [before, now, change]))
    return table


def weakest_dimensions(scope: Scope) -> Table:
    """Framework dimensions by the average level of their answers, lowest first; withheld
    where a level figure is hidden (the average would let it be worked out)."""
    year, cells = _maturity_cells(scope)
    order, table_cells = _dimension_table(cells, _dimensions_of_criteria())
    ranked: list[tuple[Decimal | None, FrameworkDimension]] = []
    for dimension in order:
        assert table_cells is not None
        shown = {level: table_cells.shown(dimension, level) for level in LEVELS}
        count = sum(v or 0 for v in shown.values())
        if None in shown.values():
            ranked.append((None, dimension))
            continue
        if not count:
            continue  # no answers: nothing to rank
        total = sum(level * (v or 0) for level, v in shown.items())
        ranked.append(((Decimal(total) / count).quantize(Decimal("0.01")), dimension))
    ranked.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1].title))
    table = Table(
        "weakest_dimensions",
        _in_year("Framework dimensions where the network is weakest", year)
        + " (average level of the answers, 1 to 4)",
        ["Dimension", "Average level"],
    )
    for mean, dimension in ranked:
        table.rows.append(Row(dimension.title, [mean]))
    return table


def unmet_by_ward(scope: Scope, wards: list[Ward], limit: int = 10) -> Table:
    """Wards with the most unmet requests (wards with none are left out); suppressed wards come
    after the figures shown, in name order, so their place gives nothing away."""
    keys = [w.ons_code for w in wards]
    names = {w.ons_code: w.name for w in wards}
    column = _one_way(UNMET, "ward_code", keys, scope.filters())
    shown = {key: column.shown(UNMET, key) for key in keys}
    ranked = sorted(
        (key for key in keys if shown[key] != 0),
        key=lambda key: (shown[key] is None, -(shown[key] or 0), names[key]),
    )
    table = Table("unmet", "Wards with the most unmet requests", ["Ward", LABELS[UNMET]])
    for key in ranked[:limit]:
        table.rows.append(Row(names[key], [_plain(shown[key])]))
    return table


def quiet_goals(scope: Scope) -> Table:
    """The Ambition's goals with the fewest activities first (none at all at the top)."""
    goals = (
        list(
            db.session.scalars(
                select(Goal).where(Goal.ambition_id == scope.ambition.id).order_by(Goal.position)
            )
        )
        if scope.ambition
        else []
    )
    column = _one_way(ACTIVITIES, "goal_id", [g.id for g in goals], scope.filters())

    def order(goal: Goal) -> Decimal:
        value = column.shown(ACTIVITIES, goal.id)
        # A hidden count is 1 to 4: after the goals with none, before those with 5 or more.
        return Decimal("0.5") if value is None else Decimal(value)

    table = Table("goals", "Goals with little or no activity", ["Goal", LABELS[ACTIVITIES]])
    for goal in sorted(goals, key=order):
        table.rows.append(Row(f"{goal.code}: {goal.title}", [_shown(column, ACTIVITIES, goal.id)]))
    return table


def scorecard(scope: Scope) -> Table:
    """The Ambition's indicators: latest value and direction (published figures: not suppressed)."""
    assert scope.ambition is not None
    indicators = list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.ambition_id == scope.ambition.id)
            .order_by(Indicator.position)
        )
    )
    code = scope.ambition.code
    latest = {
        r.key["dimension"]: r.value for r in read.figures(LATEST, by=BY_DIMENSION, ambition=code)
    }
    direction = {
        r.key["dimension"]: int(r.value)
        for r in read.figures(DIRECTION, by=BY_DIMENSION, ambition=code)
    }
    table = Table(
        "scorecard",
        "Scorecard indicators",
        ["Indicator", "Latest value", "Unit", "Direction"],
        chart=None,
    )
    for indicator in indicators:
        value = latest.get(indicator.code)
        table.rows.append(
            Row(
                indicator.title,
                [
                    _plain(value) if value is not None else "No value yet",
                    indicator.unit,
                    DIRECTION_WORDS.get(direction.get(indicator.code, 0), "")
                    if value is not None
                    else "",
                ],
            )
        )
    return table


def by_ambition(
    ambitions: list[Ambition], measures: tuple[str, ...] = (ACTIVITIES, PEOPLE)
) -> Table:
    """Each Ambition's totals for the city overview and the home page."""
    columns = [
        published({m: {a.code: _cell(read.total(m, ambition=a.code)) for a in ambitions}})
        for m in measures
    ]
    table = Table("ambitions", "Activity by Ambition", ["Ambition", *(LABELS[m] for m in measures)])
    for ambition in ambitions:
        values = [
            _shown(column, m, ambition.code) for column, m in zip(columns, measures, strict=True)
        ]
        table.rows.append(Row(ambition.name, values))
    return table


def home_headline() -> tuple[Table, Table]:
    """The public headline: promised against delivered, exchanges delivered, activity by
    Ambition."""
    figures = Table("home", "The partnership so far", ["Figure", "Value"], chart=None)
    for measure in (PROMISED, DELIVERED, MATCHES_DELIVERED):
        figure = published({measure: {ALL: _cell(read.total(measure))}})
        figures.rows.append(Row(LABELS[measure], [_shown(figure, measure, ALL)]))
    return figures, by_ambition(all_ambitions(), (ACTIVITIES,))


NO_FIGURE = "No figure"


def _per_thousand(value: Any, population: int | None) -> Any:
    """A shown count per 1,000 residents, to 2 places; None where the count is hidden."""
    if population is None:
        return NO_FIGURE
    if value is None:
        return None
    return (Decimal(value) * 1000 / population).quantize(Decimal("0.01"))


def need(scope: Scope, wards: list[Ward]) -> Table:
    """Activities and delivered exchanges per 1,000 residents beside each ward's deprivation, the
    most deprived wards with the least activity first (a hidden rate after those shown in its
    decile, in name order, so its place gives nothing away); wards without figures last."""
    figures = {
        row.ward_id: row
        for row in db.session.execute(
            select(
                WardDeprivation.ward_id,
                WardDeprivation.decile,
                WardDeprivation.share_most_deprived,
                WardDeprivation.population,
            )
        )
    }
    chosen = [w for w in wards if scope.ward in (None, w.ons_code)]
    keys = [w.ons_code for w in chosen]
    activity = _one_way(ACTIVITIES, "ward_code", keys, scope.filters())
    exchange = _one_way(MATCHES_DELIVERED, "ward_code", keys, scope.filters())
    ranked = []
    for ward in chosen:
        found = figures.get(ward.id)
        population = found.population if found else None
        rate = _per_thousand(activity.shown(ACTIVITIES, ward.ons_code), population)
        exchanges = _per_thousand(exchange.shown(MATCHES_DELIVERED, ward.ons_code), population)
        values = [
            found.decile if found else NO_FIGURE,
            _plain(found.share_most_deprived) if found else NO_FIGURE,
            population if population is not None else NO_FIGURE,
            rate,
            exchanges,
        ]
        numeric = isinstance(rate, Decimal)
        order = (found is None, found.decile if found else 0, not numeric, rate if numeric else 0)
        ranked.append(((*order, ward.name), Row(ward.name, values)))
    table = Table(
        "need",
        "Where activity meets need, by ward",
        [
            "Ward",
            "Deprivation decile (1 = most deprived)",
            "Residents in the most deprived 10% (%)",
            "Population",
            "Activities per 1,000 residents",
            "Exchanges delivered per 1,000 residents",
        ],
        chart=4,
    )
    table.rows = [row for _key, row in sorted(ranked, key=lambda item: item[0])]
    return table


def pledges_at_risk(scope: Scope, link: Callable[[str], str | None] | None = None) -> Table:
    """Pledges at risk and lapsed (the snapshot's counts), linking to the lists behind them."""
    table = Table("pledges", "Pledges at risk or lapsed", ["Pledges", "Count"], chart=None)
    for measure in (AT_RISK, LAPSED):
        figure = published({measure: {ALL: _cell(read.total(measure, **scope.filters()))}})
        table.rows.append(
            Row(LABELS[measure], [_shown(figure, measure, ALL)], link(measure) if link else None)
        )
    return table
