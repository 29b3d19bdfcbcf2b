"""The full refresh: every figure of a snapshot computed in the database, one GROUP BY each.

Each measure family (activities, pledges, ...) is a `Family`: a base query with one row per
counted thing (an activity, a pledge...) and the organisation behind it, its date, its values
and optionally a `dimension`; plus link queries mapping each thing to its wards, goals and
Ambitions. For every breakdown set in `GROUPING_SETS`, one `INSERT INTO insight_figures ...
SELECT ... GROUP BY` covers every period ("all", years, quarters: the base rows are repeated
per period), all Ambitions and each Ambition, and unpivots the family's aggregates into one row
per measure. The link queries are DISTINCT, so a thing counts once per group however many wards
or goals it has; the cost grows with the data scanned, the rows written with the number of
wards, goals, kinds and networks only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    Select,
    String,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import ColumnElement, Executable
from sqlalchemy.sql.visitors import replacement_traverse

from ..activities.models import (
    PARTNER_ACCEPTED,
    Activity,
    activity_goals,
    activity_partners,
    activity_wards,
)
from ..assessment.models import STATUS_SUBMITTED as ASSESSMENT_SUBMITTED
from ..assessment.models import Answer, Assessment, Criterion
from ..core.models import Ambition, Goal, Ward, utcnow
from ..events.models import SCHEDULED as EVENT_SCHEDULED
from ..events.models import Event, EventSignup, event_ambitions
from ..exchange.models import (
    CLOSED_EXPIRED,
    LISTING_OPEN,
    LISTING_PAUSED,
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
    exchange_listing_ambitions,
    exchange_listing_wards,
)
from ..extensions import db
from ..initiatives.models import CONTRIBUTION_CURRENT, Contribution
from ..orgs.models import REQUEST_ACCEPTED, NetworkMembership, Organisation, organisation_wards
from ..orgs.services import counted_organisations
from ..pledges import status as rules
from ..pledges.models import (
    REPORT_CURRENT,
    Pledge,
    PledgeExchangeLink,
    ProgressUpdate,
    ProxyValue,
    pledge_ambitions,
    pledge_goals,
    pledge_wards,
)
from ..scorecard.breakdowns import CITYWIDE
from ..scorecard.models import Indicator, IndicatorValue, WardDeprivation
from . import measures as m
from .models import (
    CURRENT,
    FAILED,
    SUPERSEDED,
    InsightChange,
    InsightFact,
    InsightFactLink,
    InsightFigure,
    InsightFigureDelta,
    InsightSnapshot,
)

FIGURES: Table = InsightFigure.__table__  # type: ignore[assignment]
# A running pledge is at risk when its delivered share is this many points behind time elapsed.
AT_RISK_POINTS = 25
# The breakdown sets every family is grouped by (the empty set is the headline total).
GROUPING_SETS: tuple[tuple[str, ...], ...] = (
    (),
    ("ward",),
    ("decile",),
    ("goal",),
    ("org_kind",),
    ("network",),
    ("network", "ward"),
    ("org_kind", "ward"),
    ("network", "decile"),
    ("org_kind", "decile"),
)
OUTPUT_COLUMNS = (
    "snapshot_id",
    "measure",
    "period",
    "ambition",
    "goal_id",
    "ward_code",
    "decile",
    "org_kind",
    "network_id",
    "dimension",
    "value",
    "org_count",
)


@dataclass(frozen=True)
class Aggregate:
    """A measure and how to compute it from the base query's columns (`c`)."""

    measure: str
    expression: Callable[[Any], ColumnElement[Any]]
    # Also stored per value of the base's `dimension` column (besides the NULL total).
    by_dimension: bool = False


@dataclass(frozen=True)
class Family:
    """One kind of counted thing. `base()` has columns eid, org_id, day (a date or NULL: then
    only period "all"), the value columns the aggregates use and, if `has_dimension`, dimension.
    `wards()` gives (eid, ward_id); `goals()` (eid, goal_id); both may be None."""

    name: str
    base: Callable[[], Select]
    aggregates: tuple[Aggregate, ...]
    wards: Callable[[], Select] | None = None
    goals: Callable[[], Select] | None = None
    # (eid, ambition_id) beyond those of its goals (a pledge names Ambitions directly).
    ambitions: Callable[[], Select] | None = None
    has_dimension: bool = False
    grouping_sets: tuple[tuple[str, ...], ...] = field(default=GROUPING_SETS)
    # The base has an integer `year` instead of `day`: periods are years only.
    yearly: bool = False
    # Also a figure for period "all" (not for a yearly share, where it means nothing).
    all_period: bool = True
    # The base column whose median is the family's one aggregate (not a GROUP BY aggregate).
    median: str | None = None
    # The base's value columns, kept in the facts' v1, v2... in this order.
    values: tuple[str, ...] = ()
    # Its figures are sums over organisations (counts, totals, distinct organisations), so an
    # incremental run can subtract one organisation's and add them again. Not a median or share.
    additive: bool = True

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(a.measure for a in self.aggregates)


def _year(day: Any) -> ColumnElement[str]:
    return cast(cast(extract("year", day), Integer), String)


def _quarter(day: Any) -> ColumnElement[str]:
    number = (cast(extract("month", day), Integer) + 2) // 3
    return _year(day) + "-Q" + cast(number, String)


def _by_period(family: Family) -> Any:
    """The base rows once for period "all", once for their year and once for their quarter."""
    sub = family.base().subquery("b")
    parts = [select(sub, literal("all", String).label("period"))] if family.all_period else []
    if family.yearly:
        parts.append(select(sub, cast(sub.c.year, String).label("period")))
    else:
        dated = sub.c.day.is_not(None)
        parts.append(select(sub, _year(sub.c.day).label("period")).where(dated))
        parts.append(select(sub, _quarter(sub.c.day).label("period")).where(dated))
    return union_all(*parts).subquery("e")


def _ambitions_of(family: Family) -> Any:
    parts = []
    if family.goals is not None:
        g = family.goals().subquery("gl")
        parts.append(
            select(g.c.eid, g.c.org_id, Goal.ambition_id).join(Goal, Goal.id == g.c.goal_id)
        )
    if family.ambitions is not None:
        parts.append(family.ambitions())
    linked = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("al")
    return (
        select(linked.c.eid, linked.c.org_id, Ambition.code.label("ambition"))
        .join(Ambition, Ambition.id == linked.c.ambition_id)
        .distinct()
        .subquery("am")
    )


def _goals_with_ambition(goals: Select) -> Any:
    g = goals.subquery("gl2")
    return (
        select(g.c.eid, g.c.org_id, g.c.goal_id, Ambition.code.label("ambition"))
        .join(Goal, Goal.id == g.c.goal_id)
        .join(Ambition, Ambition.id == Goal.ambition_id)
        .distinct()
        .subquery("gm")
    )


def _ward_codes(wards: Select) -> Any:
    w = wards.subquery("wl")
    return (
        select(w.c.eid, w.c.org_id, Ward.ons_code.label("ward_code"))
        .join(Ward, Ward.id == w.c.ward_id)
        .distinct()
        .subquery("wm")
    )


def _deciles(wards: Select) -> Any:
    w = wards.subquery("wl2")
    return (
        select(w.c.eid, w.c.org_id, WardDeprivation.decile.label("decile"))
        .join(WardDeprivation, WardDeprivation.ward_id == w.c.ward_id)
        .distinct()
        .subquery("dm")
    )


def _networks() -> Any:
    return (
        select(NetworkMembership.organisation_id, NetworkMembership.network_id)
        .where(NetworkMembership.status == REQUEST_ACCEPTED)
        .subquery("nm")
    )


def _same_thing(links: Any, e: Any) -> ColumnElement[bool]:
    """A link row of a base row: the same thing counted for the same organisation (a thing can
    be counted for several: an activity for its lead and each partner)."""
    return (links.c.eid == e.c.eid) & (links.c.org_id == e.c.org_id)


def _grouped(
    family: Family, expanded: Any, dims: tuple[str, ...], scoped: bool, with_dimension: bool
) -> Select:
    """One GROUP BY over the period-expanded base: all Ambitions (`scoped` False) or each."""
    e = expanded
    query = select().select_from(e)
    columns: dict[str, ColumnElement[Any]] = {
        "ambition": cast(null(), String),
        "goal_id": cast(null(), Integer),
        "ward_code": cast(null(), String),
        "decile": cast(null(), Integer),
        "org_kind": cast(null(), String),
        "network_id": cast(null(), Integer),
        "dimension": cast(null(), String),
    }
    grouped: dict[str, ColumnElement[Any]] = {}
    goals_query = family.goals() if family.goals else None
    ambitions = None
    if scoped:
        ambitions = _ambitions_of(family)
        query = query.join(ambitions, _same_thing(ambitions, e))
        grouped["ambition"] = ambitions.c.ambition
    if "goal" in dims:
        assert goals_query is not None
        goals = _goals_with_ambition(goals_query)
        condition = _same_thing(goals, e)
        if ambitions is not None:
            condition = condition & (goals.c.ambition == ambitions.c.ambition)
        query = query.join(goals, condition)
        grouped["goal_id"] = goals.c.goal_id
    if "ward" in dims:
        assert family.wards is not None
        wards = _ward_codes(family.wards())
        query = query.join(wards, _same_thing(wards, e))
        grouped["ward_code"] = wards.c.ward_code
    if "decile" in dims:
        assert family.wards is not None
        deciles = _deciles(family.wards())
        query = query.join(deciles, _same_thing(deciles, e))
        grouped["decile"] = deciles.c.decile
    if "org_kind" in dims:
        query = query.join(Organisation, Organisation.id == e.c.org_id)
        grouped["org_kind"] = Organisation.__table__.c.kind
    if "network" in dims:
        networks = _networks()
        query = query.join(networks, networks.c.organisation_id == e.c.org_id)
        grouped["network_id"] = networks.c.network_id
    if with_dimension:
        grouped["dimension"] = e.c.dimension
    columns.update(grouped)
    if family.median is not None:
        return _median(family, query, e, columns, [e.c.period, *grouped.values()])
    aggregates = [a.expression(e.c).label(f"v{index}") for index, a in enumerate(family.aggregates)]
    return query.add_columns(
        e.c.period,
        *(column.label(name) for name, column in columns.items()),
        func.count(e.c.org_id.distinct()).label("org_count"),
        *aggregates,
    ).group_by(e.c.period, *grouped.values())


def _median(
    family: Family,
    query: Select,
    e: Any,
    columns: dict[str, ColumnElement[Any]],
    partition: list[ColumnElement[Any]],
) -> Select:
    """The median of the base's `median` column per group, with window functions (SQLite and
    PostgreSQL both): the middle row, or the mean of the two middle rows, of each group."""
    assert family.median is not None
    days = e.c[family.median]
    ranked = query.add_columns(
        e.c.period.label("period"),
        *(column.label(name) for name, column in columns.items()),
        e.c.org_id.label("org_id"),
        days.label("median_of"),
        func.row_number().over(partition_by=partition, order_by=days).label("rn"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    middle = (2 * ranked.c.rn >= ranked.c.n) & (2 * ranked.c.rn <= ranked.c.n + 2)
    keys = [ranked.c.period, *(ranked.c[name] for name in columns)]
    return select(
        *keys,
        func.count(ranked.c.org_id.distinct()).label("org_count"),
        func.avg(case((middle, ranked.c.median_of))).label("v0"),
    ).group_by(*keys)


def family_statements(
    family: Family, snapshot_id: Any, *, into: Table | None = None, sign: int = 1
) -> list[tuple[str, Executable]]:
    """The family's INSERT ... SELECT statements, one per breakdown set, into the figures (or
    `into`), values and organisation counts multiplied by `sign`."""
    target = FIGURES if into is None else into
    statements: list[tuple[str, Executable]] = []
    for dims in family.grouping_sets:
        if ("ward" in dims or "decile" in dims) and family.wards is None:
            continue
        if "goal" in dims and family.goals is None:
            continue
        expanded = _by_period(family)
        variants = [False, True] if family.has_dimension else [False]
        per_ambition = family.goals is not None or family.ambitions is not None
        scopes = [False, True] if per_ambition else [False]
        parts = [
            _grouped(family, expanded, dims, scoped, with_dimension)
            for scoped in scopes
            for with_dimension in variants
        ]
        grouped = (union_all(*parts) if len(parts) > 1 else parts[0]).cte("g")
        rows = []
        for index, aggregate in enumerate(family.aggregates):
            row = select(
                snapshot_id,
                literal(aggregate.measure, String),
                grouped.c.period,
                grouped.c.ambition,
                grouped.c.goal_id,
                grouped.c.ward_code,
                grouped.c.decile,
                grouped.c.org_kind,
                grouped.c.network_id,
                grouped.c.dimension,
                grouped.c[f"v{index}"] * sign if sign != 1 else grouped.c[f"v{index}"],
                grouped.c.org_count * sign if sign != 1 else grouped.c.org_count,
            )
            if family.has_dimension and not aggregate.by_dimension:
                row = row.where(grouped.c.dimension.is_(None))
            rows.append(row)
        body = union_all(*rows) if len(rows) > 1 else rows[0]
        name = f"{family.name}:{'+'.join(dims) or 'total'}"
        statements.append((name, insert(target).from_select(list(OUTPUT_COLUMNS), body)))
    return statements


# ---------------------------------------------------------------- families


def _activities_base() -> Select:
    """One row per activity for its lead and, for a joint initiative, one per contribution.

    The initiatives roll-up rule (`portal.initiatives.rollup`): an activity with current
    contributions from counted organisations counts those (each once, for the organisation
    that made it, dated by its period's start) instead of its own headline figures; the
    activity itself still counts once, for its lead (`activities` is 1 on the lead's row only).
    """
    counted = counted_organisations()
    contributed = (
        select(Contribution.id)
        .where(
            Contribution.activity_id == Activity.id,
            Contribution.status == CONTRIBUTION_CURRENT,
            Contribution.organisation_id.in_(counted),
        )
        .exists()
    )
    zero = literal(0, Integer)
    headline = select(
        Activity.id.label("eid"),
        Activity.lead_organisation_id.label("org_id"),
        Activity.start_date.label("day"),
        case((contributed, zero), else_=Activity.people_reached).label("people"),
        case((contributed, zero), else_=Activity.volunteer_hours).label("hours"),
        case((contributed, zero), else_=Activity.spend).label("spend"),
        literal(1, Integer).label("activities"),
    ).where(Activity.lead_organisation_id.in_(counted))
    contributions = (
        select(
            Contribution.activity_id.label("eid"),
            Contribution.organisation_id.label("org_id"),
            Contribution.period_start.label("day"),
            Contribution.people_reached.label("people"),
            Contribution.volunteer_hours.label("hours"),
            Contribution.money.label("spend"),
            zero.label("activities"),
        )
        .join(Activity, Activity.id == Contribution.activity_id)
        .where(
            Contribution.status == CONTRIBUTION_CURRENT,
            Contribution.organisation_id.in_(counted),
            Activity.lead_organisation_id.in_(counted),
        )
    )
    return select(union_all(headline, contributions).subquery("a"))


def _participation_base() -> Select:
    """One row per activity and organisation taking part: the lead and accepted partners."""
    counted = counted_organisations()
    lead = select(
        Activity.id.label("eid"),
        Activity.lead_organisation_id.label("org_id"),
        Activity.start_date.label("day"),
    ).where(Activity.lead_organisation_id.in_(counted))
    partners = (
        select(
            Activity.id.label("eid"),
            activity_partners.c.organisation_id.label("org_id"),
            Activity.start_date.label("day"),
        )
        .join(activity_partners, activity_partners.c.activity_id == Activity.id)
        .where(
            activity_partners.c.status == PARTNER_ACCEPTED,
            activity_partners.c.organisation_id.in_(counted),
            Activity.lead_organisation_id.in_(counted),
        )
    )
    return select(union_all(lead, partners).subquery("p"))


def _activity_wards() -> Select:
    return select(
        activity_wards.c.activity_id.label("eid"), activity_wards.c.ward_id.label("ward_id")
    )


def _activity_goals() -> Select:
    return select(
        activity_goals.c.activity_id.label("eid"), activity_goals.c.goal_id.label("goal_id")
    )


def _sum(column: str) -> Callable[[Any], ColumnElement[Any]]:
    return lambda c: func.coalesce(func.sum(c[column]), 0)


ACTIVITIES = Family(
    name="activities",
    base=_activities_base,
    values=("people", "hours", "spend", "activities"),
    wards=_activity_wards,
    goals=_activity_goals,
    aggregates=(
        Aggregate(m.ACTIVITIES_COUNT, _sum("activities")),
        Aggregate(m.ACTIVITIES_PEOPLE_REACHED, _sum("people")),
        Aggregate(m.ACTIVITIES_VOLUNTEER_HOURS, _sum("hours")),
        Aggregate(m.ACTIVITIES_SPEND, _sum("spend")),
    ),
)
PARTICIPATION = Family(
    name="participation",
    base=_participation_base,
    wards=_activity_wards,
    goals=_activity_goals,
    aggregates=(Aggregate(m.ACTIVITIES_ORGANISATIONS, lambda c: func.count(c.org_id.distinct())),),
)


def _days(later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole days from `earlier` to `later` (dates)."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def _later(a: Any, b: Any) -> ColumnElement[Any]:
    return case((a > b, a), else_=b)


def _proxy(measure_id: Any, year: Any) -> ColumnElement[Any]:
    """The measure's proxy in force in `year` (pledges.valuation.proxy_for_year, in SQL): the
    latest version at or before it, else the earliest, else 0."""
    at_or_before = (
        select(ProxyValue.value)
        .where(ProxyValue.measure_id == measure_id, ProxyValue.year <= year)
        .order_by(ProxyValue.year.desc())
        .limit(1)
        .scalar_subquery()
    )
    earliest = (
        select(ProxyValue.value)
        .where(ProxyValue.measure_id == measure_id)
        .order_by(ProxyValue.year)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(at_or_before, earliest, 0)


def _pledges_base() -> Select:
    """One row per pledge of a counted organisation: promised and delivered £ and its status,
    by the rules of `pledges.status` evaluated in SQL for today. Deliveries are its current
    progress reports and its linked delivered exchanges (at the linked quantity)."""
    today = bindparam("today", type_=Date)
    reports = select(
        ProgressUpdate.pledge_id.label("pledge_id"),
        ProgressUpdate.period_end.label("on"),
        ProgressUpdate.value.label("units"),
        func.date(ProgressUpdate.created_at).label("reported_on"),
    ).where(ProgressUpdate.status == REPORT_CURRENT)
    exchanges = (
        select(
            PledgeExchangeLink.pledge_id.label("pledge_id"),
            func.date(ExchangeMatch.delivered_at).label("on"),
            PledgeExchangeLink.quantity.label("units"),
            func.date(PledgeExchangeLink.linked_at).label("reported_on"),
        )
        .join(ExchangeMatch, ExchangeMatch.id == PledgeExchangeLink.match_id)
        .where(ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_at.is_not(None))
    )
    d = union_all(reports, exchanges).subquery("d")
    delivery_year = cast(extract("year", d.c.on), Integer)
    delivered = (
        select(
            d.c.pledge_id,
            func.sum(d.c.units).label("units"),
            func.sum(func.round(d.c.units * _proxy(Pledge.measure_id, delivery_year), 2)).label(
                "value"
            ),
            func.max(d.c.reported_on).label("last_reported"),
            func.max(d.c.on).label("last_on"),
        )
        .join(Pledge, Pledge.id == d.c.pledge_id)
        .group_by(d.c.pledge_id)
        .subquery("dl")
    )
    promised = func.abs(Pledge.target - Pledge.baseline)
    units = func.coalesce(delivered.c.units, 0)
    as_at = case(
        (delivered.c.last_on.is_(None) | (delivered.c.last_on > today), today),
        else_=delivered.c.last_on,
    )
    span = _days(Pledge.end_date, Pledge.start_date)
    # delivered >= 0.9 * promised * elapsed / span, multiplied out (no division by zero).
    expected_met = case(
        (as_at <= Pledge.start_date, literal(True)),
        (as_at >= Pledge.end_date, units >= promised * rules.ON_TRACK_SHARE),
        else_=units * span >= promised * rules.ON_TRACK_SHARE * _days(as_at, Pledge.start_date),
    )
    status = case(
        ((promised > 0) & (units >= promised), literal(rules.ACHIEVED)),
        (Pledge.start_date > today, literal(rules.NOT_STARTED)),
        (
            func.coalesce(_later(delivered.c.last_reported, Pledge.start_date), Pledge.start_date)
            <= bindparam("lapsed_before", type_=Date),
            literal(rules.LAPSED),
        ),
        (Pledge.end_date < today, literal(rules.MISSED)),
        (
            delivered.c.last_on.is_(None)
            & (Pledge.start_date > bindparam("first_report_after", type_=Date)),
            literal(rules.ON_TRACK),
        ),
        (expected_met, literal(rules.ON_TRACK)),
        else_=literal(rules.AT_RISK),
    )
    start_year = cast(extract("year", Pledge.start_date), Integer)
    short = (promised > 0) & (units < promised)
    # Gap view: lapsed = ended short of target; at risk = running, delivered share more than
    # AT_RISK_POINTS behind the share of time elapsed (multiplied out by span and promised).
    lapsed = short & (Pledge.end_date < today)
    behind = units * span * 100 < promised * (
        _days(today, Pledge.start_date) * 100 - span * AT_RISK_POINTS
    )
    at_risk = short & (Pledge.start_date <= today) & (Pledge.end_date >= today) & behind
    return (
        select(
            Pledge.id.label("eid"),
            Pledge.organisation_id.label("org_id"),
            Pledge.start_date.label("day"),
            func.round(promised * _proxy(Pledge.measure_id, start_year), 2).label("promised"),
            func.coalesce(delivered.c.value, 0).label("delivered"),
            status.label("dimension"),
            case((at_risk, 1), else_=0).label("at_risk"),
            case((lapsed, 1), else_=0).label("lapsed"),
        )
        .outerjoin(delivered, delivered.c.pledge_id == Pledge.id)
        .where(Pledge.organisation_id.in_(counted_organisations()))
    )


PLEDGES = Family(
    name="pledges",
    base=_pledges_base,
    values=("promised", "delivered"),
    wards=lambda: select(
        pledge_wards.c.pledge_id.label("eid"), pledge_wards.c.ward_id.label("ward_id")
    ),
    goals=lambda: select(
        pledge_goals.c.pledge_id.label("eid"), pledge_goals.c.goal_id.label("goal_id")
    ),
    ambitions=lambda: select(
        pledge_ambitions.c.pledge_id.label("eid"),
        pledge_ambitions.c.ambition_id.label("ambition_id"),
    ),
    has_dimension=True,
    aggregates=(
        Aggregate(m.PLEDGES_COUNT, lambda c: func.count(c.eid), by_dimension=True),
        Aggregate(m.PLEDGES_PROMISED, _sum("promised")),
        Aggregate(m.PLEDGES_DELIVERED, _sum("delivered")),
        Aggregate(
            m.PLEDGES_GAP,
            lambda c: (
                func.coalesce(func.sum(c.promised), 0) - func.coalesce(func.sum(c.delivered), 0)
            ),
        ),
    ),
)


def _only(base: Callable[[], Select], flag: str) -> Callable[[], Select]:
    """The base's rows with `flag` set: a family of its own, so that its figures' organisation
    counts (what small-number suppression goes by) are of the organisations with such rows."""

    def rows() -> Select:
        sub = base().subquery(flag)
        return select(sub).where(sub.c[flag] == 1)

    return rows


PLEDGES_AT_RISK = replace(
    PLEDGES,
    name="pledges_at_risk",
    base=_only(_pledges_base, "at_risk"),
    values=(),
    has_dimension=False,
    aggregates=(Aggregate(m.PLEDGES_AT_RISK, lambda c: func.count(c.eid)),),
)
PLEDGES_LAPSED = replace(
    PLEDGES_AT_RISK,
    name="pledges_lapsed",
    base=_only(_pledges_base, "lapsed"),
    aggregates=(Aggregate(m.PLEDGES_LAPSED, lambda c: func.count(c.eid)),),
)


def _count_if(condition: Callable[[Any], ColumnElement[bool]]) -> Callable[[Any], Any]:
    return lambda c: func.coalesce(func.sum(case((condition(c), 1), else_=0)), 0)


def _listings_base(side: str) -> Select:
    """Listings on one side, of counted organisations, not hidden by moderators, still waiting
    (open, paused, or closed by expiry); `unmet`: waiting with no delivered match."""
    delivered = select(ExchangeMatch.request_id).where(ExchangeMatch.status == MATCH_DELIVERED)
    waiting = Listing.status.in_((LISTING_OPEN, LISTING_PAUSED)) | (
        Listing.closed_reason == CLOSED_EXPIRED
    )
    unmet = waiting & Listing.id.not_in(delivered)
    return select(
        Listing.id.label("eid"),
        Listing.organisation_id.label("org_id"),
        func.date(Listing.created_at).label("day"),
        case((Listing.status == LISTING_OPEN, 1), else_=0).label("open"),
        case((unmet, 1), else_=0).label("unmet"),
        Listing.resource_type.label("dimension"),
    ).where(
        Listing.side == side,
        Listing.organisation_id.in_(counted_organisations()),
        Listing.hidden_at.is_(None),
        waiting,
    )


def _listing_wards() -> Select:
    return select(
        exchange_listing_wards.c.listing_id.label("eid"),
        exchange_listing_wards.c.ward_id.label("ward_id"),
    )


def _listing_ambitions() -> Select:
    return select(
        exchange_listing_ambitions.c.listing_id.label("eid"),
        exchange_listing_ambitions.c.ambition_id.label("ambition_id"),
    )


OFFERS = Family(
    name="offers",
    base=lambda: _listings_base(SIDE_OFFER).where(Listing.status == LISTING_OPEN),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    aggregates=(Aggregate(m.EXCHANGE_OPEN_OFFERS, lambda c: func.count(c.eid)),),
)
REQUESTS = Family(
    name="requests",
    base=lambda: _listings_base(SIDE_REQUEST),
    values=("open",),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    aggregates=(Aggregate(m.EXCHANGE_OPEN_REQUESTS, _sum("open")),),
)
UNMET = replace(
    REQUESTS,
    name="unmet_requests",
    base=_only(lambda: _listings_base(SIDE_REQUEST), "unmet"),
    values=(),
    has_dimension=True,
    aggregates=(
        Aggregate(m.EXCHANGE_UNMET_REQUESTS, lambda c: func.count(c.eid), by_dimension=True),
    ),
)


def _matches_base(statuses: tuple[str, ...]) -> Select:
    """Matches in `statuses` between counted organisations, placed where the need is (`eid` is
    the request listing: its wards and Ambitions), by the offering organisation's kind and
    networks, and dated when delivered, else when answered, else when proposed."""
    offer = aliased(Listing)
    request = aliased(Listing)
    counted = counted_organisations()
    on = func.coalesce(
        ExchangeMatch.delivered_at, ExchangeMatch.responded_at, ExchangeMatch.created_at
    )
    return (
        select(
            ExchangeMatch.request_id.label("eid"),
            offer.organisation_id.label("org_id"),
            func.date(on).label("day"),
            func.coalesce(ExchangeMatch.delivered_quantity, 0).label("quantity"),
            func.coalesce(ExchangeMatch.delivered_resource_type, offer.resource_type).label(
                "dimension"
            ),
        )
        .join(offer, offer.id == ExchangeMatch.offer_id)
        .join(request, request.id == ExchangeMatch.request_id)
        .where(
            ExchangeMatch.status.in_(statuses),
            offer.organisation_id.in_(counted),
            request.organisation_id.in_(counted),
        )
    )


AGREED = Family(
    name="matches_agreed",
    base=lambda: _matches_base((MATCH_ACCEPTED, MATCH_DELIVERED)),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    aggregates=(Aggregate(m.EXCHANGE_MATCHES_AGREED, lambda c: func.count()),),
)
DELIVERED = Family(
    name="matches_delivered",
    base=lambda: _matches_base((MATCH_DELIVERED,)),
    values=("quantity",),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    has_dimension=True,
    aggregates=(
        Aggregate(m.EXCHANGE_MATCHES_DELIVERED, lambda c: func.count()),
        Aggregate(m.EXCHANGE_DELIVERED_QUANTITY, _sum("quantity"), by_dimension=True),
    ),
)


def _waiting_days_base(until: str) -> Select:
    """Requests of counted organisations that an offer from a counted organisation agreed to
    (`until="agreed"`) or delivered (`"delivered"`): days from the request to the first one."""
    offer = aliased(Listing)
    firsts = (
        select(
            ExchangeMatch.request_id.label("request_id"),
            func.min(func.coalesce(ExchangeMatch.responded_at, ExchangeMatch.created_at)).label(
                "agreed"
            ),
            func.min(ExchangeMatch.delivered_at).label("delivered"),
        )
        .join(offer, offer.id == ExchangeMatch.offer_id)
        .where(
            ExchangeMatch.status.in_((MATCH_ACCEPTED, MATCH_DELIVERED)),
            offer.organisation_id.in_(counted_organisations()),
        )
        .group_by(ExchangeMatch.request_id)
        .subquery("firsts")
    )
    reached = firsts.c[until]
    waited = _days(func.date(reached), func.date(Listing.created_at))
    return (
        select(
            Listing.id.label("eid"),
            Listing.organisation_id.label("org_id"),
            func.date(Listing.created_at).label("day"),
            # A match recorded before its request was listed (imported history) waited 0 days.
            case((waited < 0, 0), else_=waited).label("days"),
        )
        .join(firsts, firsts.c.request_id == Listing.id)
        .where(
            reached.is_not(None),
            Listing.organisation_id.in_(counted_organisations()),
            Listing.hidden_at.is_(None),
        )
    )


DAYS_TO_MATCH = Family(
    name="days_to_match",
    base=lambda: _waiting_days_base("agreed"),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    median="days",
    values=("days",),
    additive=False,
    aggregates=(Aggregate(m.EXCHANGE_MEDIAN_DAYS_TO_MATCH, lambda c: c.days),),
)
DAYS_TO_DELIVERY = Family(
    name="days_to_delivery",
    base=lambda: _waiting_days_base("delivered"),
    wards=_listing_wards,
    ambitions=_listing_ambitions,
    median="days",
    values=("days",),
    additive=False,
    aggregates=(Aggregate(m.EXCHANGE_MEDIAN_DAYS_TO_DELIVERY, lambda c: c.days),),
)


def _submission_base() -> Select:
    """Each counted organisation once for every year anyone assessed: 1 if it submitted."""
    years = select(Assessment.year).distinct().subquery("y")
    submitted = (
        select(Assessment.id)
        .where(
            Assessment.organisation_id == Organisation.id,
            Assessment.year == years.c.year,
            Assessment.status == ASSESSMENT_SUBMITTED,
        )
        .exists()
    )
    return (
        select(
            Organisation.id.label("eid"),
            Organisation.id.label("org_id"),
            years.c.year,
            case((submitted, 1), else_=0).label("submitted"),
        )
        .select_from(Organisation)
        .join(years, literal(True))
        .where(Organisation.id.in_(counted_organisations()))
    )


def _organisation_wards() -> Select:
    return select(
        organisation_wards.c.organisation_id.label("eid"),
        organisation_wards.c.ward_id.label("ward_id"),
    )


def _levels_base() -> Select:
    """Each answered criterion of a submitted assessment: dimension "<criterion code>:<level>"."""
    return (
        select(
            Assessment.id.label("eid"),
            Assessment.organisation_id.label("org_id"),
            Assessment.year,
            (Criterion.code + ":" + cast(Answer.level, String)).label("dimension"),
        )
        .join(Answer, Answer.assessment_id == Assessment.id)
        .join(Criterion, Criterion.id == Answer.criterion_id)
        .where(
            Assessment.status == ASSESSMENT_SUBMITTED,
            Answer.level.is_not(None),
            Assessment.organisation_id.in_(counted_organisations()),
        )
    )


SUBMISSIONS = Family(
    name="submissions",
    base=_submission_base,
    values=("submitted",),
    # A share is not a sum over organisations: recomputed whole (one row per organisation).
    additive=False,
    wards=_organisation_wards,
    yearly=True,
    all_period=False,
    aggregates=(
        Aggregate(m.ASSESSMENT_ORGANISATIONS_SUBMITTED, _sum("submitted")),
        Aggregate(
            m.ASSESSMENT_SUBMITTED_SHARE,
            lambda c: cast(func.sum(c.submitted), Numeric(20, 4)) * 100 / func.count(),
        ),
    ),
)
LEVELS = Family(
    name="levels",
    base=_levels_base,
    wards=lambda: select(
        Assessment.id.label("eid"), organisation_wards.c.ward_id.label("ward_id")
    ).join(organisation_wards, organisation_wards.c.organisation_id == Assessment.organisation_id),
    yearly=True,
    all_period=False,
    has_dimension=True,
    aggregates=(Aggregate(m.ASSESSMENT_LEVEL_COUNT, lambda c: func.count(), by_dimension=True),),
)


def _events_base() -> Select:
    """One row per event of a counted organisation that went ahead and has its attendance
    recorded: the people marked as having come are the people it reached. Dated by its start
    (UTC: an event starting in the last hour of a quarter in summer counts in that quarter)."""
    came = func.count().filter(EventSignup.attended.is_(True))
    return (
        select(
            Event.id.label("eid"),
            Event.organiser_id.label("org_id"),
            func.date(Event.starts_at).label("day"),
            came.label("people"),
        )
        .join(EventSignup, EventSignup.event_id == Event.id)
        .where(
            Event.status == EVENT_SCHEDULED,
            EventSignup.attended.is_not(None),
            Event.organiser_id.in_(counted_organisations()),
        )
        .group_by(Event.id, Event.organiser_id, Event.starts_at)
    )


EVENTS = Family(
    name="events",
    base=_events_base,
    values=("people",),
    wards=lambda: select(Event.id.label("eid"), Event.ward_id.label("ward_id")).where(
        Event.ward_id.is_not(None)
    ),
    ambitions=lambda: select(
        event_ambitions.c.event_id.label("eid"), event_ambitions.c.ambition_id.label("ambition_id")
    ),
    aggregates=(
        Aggregate(m.EVENTS_HELD, lambda c: func.count(c.eid)),
        Aggregate(m.EVENTS_PEOPLE_REACHED, _sum("people")),
    ),
)


def families() -> list[Family]:
    return [
        ACTIVITIES,
        PARTICIPATION,
        PLEDGES,
        PLEDGES_AT_RISK,
        PLEDGES_LAPSED,
        OFFERS,
        REQUESTS,
        UNMET,
        AGREED,
        DELIVERED,
        DAYS_TO_MATCH,
        DAYS_TO_DELIVERY,
        SUBMISSIONS,
        LEVELS,
        EVENTS,
    ]


def scorecard_statements(snapshot_id: Any) -> list[tuple[str, Executable]]:
    """Each indicator's latest value citywide and per ward (`scorecard.latest`) and its
    direction of travel citywide (`scorecard.direction`: 1 better, -1 worse, 0 unchanged or
    one value only), under its Ambition and under all Ambitions; dimension = indicator code.
    Not organisations' figures: org_count is 0."""
    v = IndicatorValue
    ranked = select(
        v.indicator_id,
        v.breakdown,
        v.category,
        v.value,
        func.row_number()
        .over(
            partition_by=(v.indicator_id, v.breakdown, v.category),
            order_by=(v.year.desc(), v.quarter.desc()),
        )
        .label("rn"),
    ).where(v.breakdown.in_((CITYWIDE, "ward")))
    r = ranked.subquery("r")
    previous = ranked.subquery("p")
    statements: list[tuple[str, Executable]] = []
    for measure in (m.SCORECARD_LATEST, m.SCORECARD_DIRECTION):
        if measure == m.SCORECARD_LATEST:
            value: ColumnElement[Any] = r.c.value
        else:
            change = case(
                (previous.c.value.is_(None), 0),
                (r.c.value > previous.c.value, 1),
                (r.c.value < previous.c.value, -1),
                else_=0,
            )
            value = case((Indicator.direction == "up", change), else_=-change)
        parts = []
        for scoped in (True, False):
            query = (
                select(
                    snapshot_id,
                    literal(measure, String),
                    literal("all", String),
                    Ambition.code if scoped else cast(null(), String),
                    cast(null(), Integer),
                    Ward.ons_code,
                    cast(null(), Integer),
                    cast(null(), String),
                    cast(null(), Integer),
                    Indicator.code,
                    value,
                    literal(0, Integer),
                )
                .select_from(r)
                .join(Indicator, Indicator.id == r.c.indicator_id)
                .join(Ambition, Ambition.id == Indicator.ambition_id)
                .outerjoin(Ward, (r.c.breakdown == "ward") & (Ward.name == r.c.category))
                .outerjoin(
                    previous,
                    (previous.c.indicator_id == r.c.indicator_id)
                    & (previous.c.breakdown == r.c.breakdown)
                    & (previous.c.category == r.c.category)
                    & (previous.c.rn == 2),
                )
                .where(r.c.rn == 1, (r.c.breakdown == CITYWIDE) | Ward.id.is_not(None))
            )
            if measure == m.SCORECARD_DIRECTION:
                query = query.where(r.c.breakdown == CITYWIDE)
            parts.append(query)
        statements.append(
            (
                f"scorecard:{measure}",
                insert(FIGURES).from_select(list(OUTPUT_COLUMNS), union_all(*parts)),
            )
        )
    return statements


# ---------------------------------------------------------------- facts

FACTS: Table = InsightFact.__table__  # type: ignore[assignment]
LINKS: Table = InsightFactLink.__table__  # type: ignore[assignment]
DELTAS: Table = InsightFigureDelta.__table__  # type: ignore[assignment]
VALUE_COLUMNS = ("v1", "v2", "v3", "v4")
LINK_KINDS = (("ward", "ward_id"), ("goal", "goal_id"), ("ambition", "ambition_id"))
KEY_COLUMNS = OUTPUT_COLUMNS[1:-2]  # measure, period, ambition ... dimension


def _orgs() -> BindParameter[Any]:
    """The organisations an incremental run recounts (a list, expanded into IN (...))."""
    return bindparam("orgs", expanding=True)


def _link_source(family: Family, kind: str) -> Callable[[], Select] | None:
    return {"ward": family.wards, "goal": family.goals, "ambition": family.ambitions}[kind]


def fact_statements(family: Family, *, restricted: bool) -> list[tuple[str, Executable]]:
    """Copy the family's base rows and links into the facts: every organisation's, or (with
    `restricted`) those of the organisations bound as `orgs`, after deleting theirs."""
    statements: list[tuple[str, Executable]] = []
    if restricted:
        for table in (FACTS, LINKS):
            statements.append(
                (
                    f"{family.name}:forget {table.name}",
                    delete(table).where(table.c.family == family.name, table.c.org_id.in_(_orgs())),
                )
            )
    base = family.base().subquery("src")
    values: list[ColumnElement[Any]] = [base.c[name] for name in family.values]
    values += [cast(null(), Numeric(20, 4))] * (len(VALUE_COLUMNS) - len(values))
    rows = select(
        literal(family.name, String),
        base.c.eid,
        base.c.org_id,
        cast(null(), Date) if family.yearly else base.c.day,
        base.c.year if family.yearly else cast(null(), Integer),
        base.c.dimension if family.has_dimension else cast(null(), String),
        *values,
    )
    if restricted:
        rows = rows.where(base.c.org_id.in_(_orgs()))
    columns = ["family", "eid", "org_id", "day", "year", "dimension", *VALUE_COLUMNS]
    statements.append((f"{family.name}:facts", insert(FACTS).from_select(columns, rows)))
    for kind, label in LINK_KINDS:
        source = _link_source(family, kind)
        if source is None:
            continue
        linked = source().subquery("ls")
        links = (
            select(
                literal(family.name, String),
                literal(kind, String),
                FACTS.c.eid,
                FACTS.c.org_id,
                linked.c[label],
            )
            .select_from(FACTS)
            .join(linked, linked.c.eid == FACTS.c.eid)
            .where(FACTS.c.family == family.name)
            .distinct()
        )
        if restricted:
            links = links.where(FACTS.c.org_id.in_(_orgs()))
        statements.append(
            (
                f"{family.name}:{kind} links",
                insert(LINKS).from_select(["family", "kind", "eid", "org_id", "ref_id"], links),
            )
        )
    return statements


def _facts_base(family: Family, restricted: bool) -> Select:
    f = FACTS.c
    day = f.year.label("year") if family.yearly else f.day.label("day")
    values = [
        f[column].label(name) for column, name in zip(VALUE_COLUMNS, family.values, strict=False)
    ]
    dimension = [f.dimension] if family.has_dimension else []
    query = select(f.eid, f.org_id, day, *values, *dimension).where(f.family == family.name)
    return query.where(f.org_id.in_(_orgs())) if restricted else query


def _facts_links(family: Family, kind: str, label: str, restricted: bool) -> Select:
    c = LINKS.c
    query = select(c.eid, c.org_id, c.ref_id.label(label)).where(
        c.family == family.name, c.kind == kind
    )
    return query.where(c.org_id.in_(_orgs())) if restricted else query


def counted_from_facts(family: Family, *, restricted: bool = False) -> Family:
    """The family with its base and links read from the facts (of the `orgs` only, when
    `restricted`): what every figure is computed from."""

    def links(kind: str, label: str) -> Callable[[], Select] | None:
        if _link_source(family, kind) is None:
            return None
        return partial(_facts_links, family, kind, label, restricted)

    return replace(
        family,
        base=partial(_facts_base, family, restricted),
        wards=links("ward", "ward_id"),
        goals=links("goal", "goal_id"),
        ambitions=links("ambition", "ambition_id"),
    )


def _clear_facts() -> list[tuple[str, Executable]]:
    if db.engine.dialect.name == "postgresql":
        # Not MVCC-safe for readers of the facts, but only refreshes (one at a time) read them.
        return [("facts:clear", text("TRUNCATE insight_facts, insight_fact_links"))]
    return [("facts:clear", delete(FACTS)), ("links:clear", delete(LINKS))]


# Built once per database dialect (building and compiling them takes longer than running them on
# a small database); the snapshot id, today's dates and the organisations are bound parameters.
_STATEMENTS: dict[str, list[tuple[str, Executable]]] = {}
_INCREMENTAL: dict[tuple[str, str], list[tuple[str, Executable]]] = {}


def _statements() -> list[tuple[str, Executable]]:
    """A full run: rebuild every fact, then every figure from the facts."""
    dialect = db.engine.dialect.name
    if dialect not in _STATEMENTS:
        snapshot_id = bindparam("snapshot_id", type_=Integer)
        statements = _clear_facts()
        for family in families():
            statements += fact_statements(family, restricted=False)
        if dialect == "postgresql":
            # Statistics for the statements that read them (a few hundred ms at city scale).
            statements.append(("facts:analyze", text("ANALYZE insight_facts, insight_fact_links")))
        for family in families():
            statements += family_statements(counted_from_facts(family), snapshot_id)
        _STATEMENTS[dialect] = statements + scorecard_statements(snapshot_id)
    return _STATEMENTS[dialect]


def _incremental_statements(family: Family) -> list[tuple[str, Executable]]:
    """An incremental run of one family for the organisations bound as `orgs`.

    Additive: their figures from the old facts into the deltas, negated; their facts rebuilt;
    their figures from the new facts, added. Otherwise: their facts rebuilt, then the family's
    figures computed again whole from the facts (medians, shares)."""
    key = (db.engine.dialect.name, family.name)
    if key not in _INCREMENTAL:
        snapshot_id = bindparam("snapshot_id", type_=Integer)
        facts = fact_statements(family, restricted=True)
        if family.additive:
            theirs = counted_from_facts(family, restricted=True)
            _INCREMENTAL[key] = [
                *family_statements(theirs, snapshot_id, into=DELTAS, sign=-1),
                *facts,
                *family_statements(theirs, snapshot_id, into=DELTAS, sign=1),
            ]
        else:
            forget = delete(FIGURES).where(
                FIGURES.c.snapshot_id == snapshot_id, FIGURES.c.measure.in_(family.measures)
            )
            _INCREMENTAL[key] = [
                *facts,
                (f"{family.name}:forget figures", forget),
                *family_statements(counted_from_facts(family), snapshot_id),
            ]
    return _INCREMENTAL[key]


def statement_parameters(snapshot_id: int, today: date | None = None) -> dict[str, Any]:
    """What the statements bind: the snapshot they fill and the dates pledge statuses need."""
    today = today or utcnow().date()
    return {
        "snapshot_id": snapshot_id,
        "today": today,
        "lapsed_before": rules.add_months(today, -rules.LAPSE_AFTER_MONTHS),
        "first_report_after": rules.add_months(today, -rules.REPORT_EVERY_MONTHS),
    }


def aggregate_statements(snapshot_id: int = 0) -> list[tuple[str, Executable]]:
    """Every statement a refresh runs to fill snapshot `snapshot_id`, named, with its
    parameters bound: what the bench runs bare, one by one."""
    parameters = statement_parameters(snapshot_id)
    return [(name, _bound(stmt, parameters)) for name, stmt in _statements()]


def _bound(statement: Executable, parameters: dict[str, Any]) -> Executable:
    """A copy with the named parameters' values set (INSERTs have no `params()`)."""

    def replace(element: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in parameters:
            return bindparam(element.key, parameters[element.key], type_=element.type)
        return None

    copied: Executable = replacement_traverse(statement, {}, replace)  # type: ignore[call-overload]
    return copied


# The PostgreSQL advisory lock key of a refresh (any constant unique to this use).
REFRESH_LOCK_KEY = 0x1A5167


def _one_run_at_a_time() -> None:
    """Hold a transaction-scoped lock, so two runs (a worker's and the nightly one) cannot both
    mark their snapshot current: the second waits, then replaces the first. Not a row lock on
    `insight_state`, which edits update while a run is under way. SQLite has one writer anyway.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(REFRESH_LOCK_KEY)))


def _planner_settings_for_this_run() -> None:
    """For this transaction only: PostgreSQL's JIT compiler off, as the planner over-estimates
    these grouped statements (millions of rows expected, a few thousand returned), so JIT
    compiled them every run (80% of a city-scale refresh, 6.2 of 7.6 s in one statement); a plan
    per execution, since the driver prepares statements run often and a generic plan, not
    knowing the family or the organisations, joins the facts by nested loops (100 ms → 30 s);
    and no nested loops at all: the facts hold every family in one table, the planner takes a
    family's links for a handful of rows and loops over them (130 s for a full run at a
    twentieth of the city, 14 s with hash joins)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        db.session.execute(text("SET LOCAL enable_nestloop = off"))


# The families a change can move (an organisation's own wards: its self-assessment figures).
FAMILIES_OF_CHANGE: dict[str, tuple[str, ...]] = {
    "activity": ("activities", "participation"),
    "pledge": ("pledges", "pledges_at_risk", "pledges_lapsed"),
    "listing": (
        "offers",
        "requests",
        "unmet_requests",
        "matches_agreed",
        "matches_delivered",
        "days_to_match",
        "days_to_delivery",
    ),
    "assessment": ("submissions", "levels"),
    "organisation": ("submissions", "levels"),
    "event": ("events",),
}
# More organisations than this in one run (an import, a bulk change): a full run is cheaper.
INCREMENTAL_LIMIT = 200


@dataclass
class Plan:
    """What an incremental run recounts: per family, the organisations; and the scorecard."""

    organisations: dict[str, set[int]] = field(default_factory=dict)
    scorecard: bool = False


def _counted_for(kind: str, ids: list[int]) -> set[int]:
    """The organisations whose figures a change to these rows can move: the rows' organisations
    now (from the data) and before (from the facts, which still hold the old rows)."""
    families_ = FAMILIES_OF_CHANGE[kind]
    before = select(FACTS.c.org_id).where(FACTS.c.family.in_(families_), FACTS.c.eid.in_(ids))
    offer, request = aliased(Listing), aliased(Listing)
    now: list[Select] = {
        "activity": lambda: [
            select(Activity.lead_organisation_id).where(Activity.id.in_(ids)),
            select(activity_partners.c.organisation_id).where(
                activity_partners.c.activity_id.in_(ids)
            ),
        ],
        "pledge": lambda: [select(Pledge.organisation_id).where(Pledge.id.in_(ids))],
        "listing": lambda: [
            select(Listing.organisation_id).where(Listing.id.in_(ids)),
            select(offer.organisation_id)
            .join(ExchangeMatch, ExchangeMatch.offer_id == offer.id)
            .where(ExchangeMatch.request_id.in_(ids)),
            select(request.organisation_id)
            .join(ExchangeMatch, ExchangeMatch.request_id == request.id)
            .where(ExchangeMatch.offer_id.in_(ids)),
        ],
        "assessment": lambda: [select(Assessment.organisation_id).where(Assessment.id.in_(ids))],
        "organisation": lambda: [select(Organisation.id).where(Organisation.id.in_(ids))],
        "event": lambda: [select(Event.organiser_id).where(Event.id.in_(ids))],
    }[kind]()
    found = db.session.scalars(union_all(before, *now)).all()
    return {org for org in found if org is not None}


def _plan(changes: list[Any]) -> Plan | None:
    """The incremental run for these changes, or None when only a full run will do."""
    plan = Plan()
    ids: dict[str, list[int]] = {}
    for change in changes:
        if change.kind == "all":
            return None
        if change.kind == "scorecard":
            plan.scorecard = True
        elif change.ref_id is not None:
            ids.setdefault(change.kind, []).append(change.ref_id)
    for kind, refs in ids.items():
        organisations = _counted_for(kind, sorted(set(refs)))
        for family in FAMILIES_OF_CHANGE[kind]:
            plan.organisations.setdefault(family, set()).update(organisations)
    if any(len(orgs) > INCREMENTAL_LIMIT for orgs in plan.organisations.values()):
        return None
    return plan


def _key(table: Any, column: str) -> ColumnElement[Any]:
    """A breakdown column with NULL ("all") as a value that compares equal (and hashes)."""
    blank: Any = -1 if isinstance(table.c[column].type, Integer) else ""
    return func.coalesce(table.c[column], blank)


def _same_figure(one: Any, other: Any) -> ColumnElement[bool]:
    return and_(*(_key(one, column) == _key(other, column) for column in KEY_COLUMNS))


def _apply_deltas(snapshot_id: int, measures: set[str]) -> None:
    """Add the summed deltas to the current figures: update those there, insert new ones and
    delete those no organisation counts any more."""
    if db.engine.dialect.name == "postgresql":
        # Fresh rows have no statistics: without them the planner takes the deltas for one row
        # and matches every figure against every delta (minutes, not milliseconds).
        db.session.execute(text("ANALYZE insight_figure_deltas"))
    d = DELTAS.c
    keys = [d[column] for column in KEY_COLUMNS]
    summed = (
        select(*keys, func.sum(d.value).label("value"), func.sum(d.org_count).label("org_count"))
        .group_by(*keys)
        .having((func.sum(d.value) != 0) | (func.sum(d.org_count) != 0))
        .subquery("d")
    )
    db.session.execute(
        update(FIGURES)
        .where(
            FIGURES.c.snapshot_id == snapshot_id,
            FIGURES.c.measure.in_(measures),
            _same_figure(FIGURES, summed),
        )
        .values(
            value=func.round(FIGURES.c.value + summed.c.value, 4),
            org_count=FIGURES.c.org_count + summed.c.org_count,
        )
    )
    existing = FIGURES.alias("existing")
    there = (
        select(existing.c.id)
        .where(
            existing.c.snapshot_id == snapshot_id,
            existing.c.measure.in_(measures),
            _same_figure(existing, summed),
        )
        .exists()
    )
    new = select(
        literal(snapshot_id, Integer),
        *(summed.c[column] for column in KEY_COLUMNS),
        summed.c.value,
        summed.c.org_count,
    ).where(~there)
    db.session.execute(insert(FIGURES).from_select(list(OUTPUT_COLUMNS), new))
    db.session.execute(
        delete(FIGURES).where(
            FIGURES.c.snapshot_id == snapshot_id,
            FIGURES.c.measure.in_(measures),
            FIGURES.c.org_count <= 0,
        )
    )


def _scorecard_again(snapshot_id: int, parameters: dict[str, Any]) -> None:
    db.session.execute(
        delete(FIGURES).where(
            FIGURES.c.snapshot_id == snapshot_id,
            FIGURES.c.measure.in_((m.SCORECARD_LATEST, m.SCORECARD_DIRECTION)),
        )
    )
    for _name, statement in scorecard_statements(bindparam("snapshot_id", type_=Integer)):
        db.session.execute(statement, parameters)


def _incremental(snapshot: InsightSnapshot, plan: Plan, fail_after: int | None) -> InsightSnapshot:
    """Recount the planned organisations' figures in the current snapshot, in place: readers
    see the figures before the run or after it, as the transaction commits whole."""
    db.session.execute(delete(InsightFigureDelta))
    parameters = statement_parameters(snapshot.id)
    done = 0
    moved: set[str] = set()
    for family in families():
        organisations = plan.organisations.get(family.name)
        if not organisations:
            continue
        bound = {**parameters, "orgs": sorted(organisations)}
        for name, statement in _incremental_statements(family):
            if fail_after is not None and done >= fail_after:
                raise RuntimeError(f"Refresh stopped before {name} (fail_after={fail_after})")
            db.session.execute(statement, bound)
            done += 1
        if family.additive:
            moved.update(family.measures)
    if moved:
        _apply_deltas(snapshot.id, moved)
    if plan.scorecard:
        _scorecard_again(snapshot.id, parameters)
    snapshot.computed_at = utcnow()
    # A run that failed before this one is made good.
    db.session.execute(delete(InsightSnapshot).where(InsightSnapshot.status == FAILED))
    db.session.flush()
    return snapshot


def refresh(*, fail_after: int | None = None, incremental: bool = False) -> InsightSnapshot:
    """Bring the figures up to date, all in the caller's transaction, and return the current
    snapshot. It takes every recorded change; with `incremental` (a run after edits), it
    recounts only the organisations they concern when it can, else it runs in full.

    A full run writes a new snapshot while the old one stays current; one UPDATE then swaps them
    and the superseded ones are deleted, so readers (who read only `current`) see the old
    figures or the new ones, whole. `fail_after` stops after that many statements (tests of a
    failed run).
    """
    _one_run_at_a_time()
    _planner_settings_for_this_run()
    changes = db.session.execute(
        select(InsightChange.id, InsightChange.kind, InsightChange.ref_id)
    ).all()
    if changes:
        latest = max(change.id for change in changes)
        db.session.execute(delete(InsightChange).where(InsightChange.id <= latest))
    if incremental:
        current = db.session.scalar(
            select(InsightSnapshot).where(InsightSnapshot.status == CURRENT)
        )
        plan = _plan(list(changes)) if current is not None else None
        if current is not None and plan is not None:
            return _incremental(current, plan, fail_after)
    return _full(fail_after)


def _full(fail_after: int | None) -> InsightSnapshot:
    snapshot = InsightSnapshot()
    db.session.add(snapshot)
    db.session.flush()
    parameters = statement_parameters(snapshot.id)
    for index, (name, statement) in enumerate(_statements()):
        if fail_after is not None and index >= fail_after:
            raise RuntimeError(f"Refresh stopped before {name} (fail_after={fail_after})")
        db.session.execute(statement, parameters)
    now = utcnow()
    db.session.execute(
        update(InsightSnapshot)
        .where(InsightSnapshot.status == CURRENT, InsightSnapshot.id != snapshot.id)
        .values(status=SUPERSEDED)
    )
    snapshot.status = CURRENT
    snapshot.computed_at = now
    db.session.flush()
    old = select(InsightSnapshot.id).where(InsightSnapshot.status.in_((SUPERSEDED, FAILED)))
    db.session.execute(delete(InsightFigure).where(InsightFigure.snapshot_id.in_(old)))
    db.session.execute(
        delete(InsightSnapshot).where(InsightSnapshot.status.in_((SUPERSEDED, FAILED)))
    )
    if db.engine.dialect.name == "postgresql":
        # A full run replaces every figure. With the statistics of the old snapshot, PostgreSQL
        # read each page's figures through (snapshot_id, period) and filtered ten thousand rows
        # a read (5 ms each, 48 a dashboard) instead of the read index (under 1 ms). ANALYZE
        # in the run's transaction counts its own new rows.
        db.session.execute(text("ANALYZE insight_figures"))
    return snapshot
