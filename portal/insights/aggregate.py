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
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.expression import ColumnElement, Executable

from ..activities.models import (
    PARTNER_ACCEPTED,
    Activity,
    activity_goals,
    activity_partners,
    activity_wards,
)
from ..core.models import Ambition, Goal, Ward, utcnow
from ..extensions import db
from ..orgs.models import REQUEST_ACCEPTED, NetworkMembership, Organisation
from ..orgs.services import counted_organisations
from ..scorecard.models import WardDeprivation
from . import measures as m
from .models import CURRENT, FAILED, SUPERSEDED, InsightFigure, InsightSnapshot

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
    has_dimension: bool = False
    grouping_sets: tuple[tuple[str, ...], ...] = field(default=GROUPING_SETS)


def _year(day: Any) -> ColumnElement[str]:
    return cast(cast(extract("year", day), Integer), String)


def _quarter(day: Any) -> ColumnElement[str]:
    number = (cast(extract("month", day), Integer) + 2) // 3
    return _year(day) + "-Q" + cast(number, String)


def _by_period(base: Select) -> Any:
    """The base rows once for period "all", once for their year and once for their quarter."""
    sub = base.subquery("b")
    everything = select(sub, literal("all", String).label("period"))
    dated = sub.c.day.is_not(None)
    years = select(sub, _year(sub.c.day).label("period")).where(dated)
    quarters = select(sub, _quarter(sub.c.day).label("period")).where(dated)
    return union_all(everything, years, quarters).subquery("e")


def _ambitions_of(goals: Select) -> Any:
    g = goals.subquery("gl")
    return (
        select(g.c.eid, Ambition.code.label("ambition"))
        .join(Goal, Goal.id == g.c.goal_id)
        .join(Ambition, Ambition.id == Goal.ambition_id)
        .distinct()
        .subquery("am")
    )


def _goals_with_ambition(goals: Select) -> Any:
    g = goals.subquery("gl2")
    return (
        select(g.c.eid, g.c.goal_id, Ambition.code.label("ambition"))
        .join(Goal, Goal.id == g.c.goal_id)
        .join(Ambition, Ambition.id == Goal.ambition_id)
        .distinct()
        .subquery("gm")
    )


def _ward_codes(wards: Select) -> Any:
    w = wards.subquery("wl")
    return (
        select(w.c.eid, Ward.ons_code.label("ward_code"))
        .join(Ward, Ward.id == w.c.ward_id)
        .distinct()
        .subquery("wm")
    )


def _deciles(wards: Select) -> Any:
    w = wards.subquery("wl2")
    return (
        select(w.c.eid, WardDeprivation.decile.label("decile"))
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
        if goals_query is None:
            raise ValueError(f"{family.name} has no goals, so no Ambitions")
        ambitions = _ambitions_of(goals_query)
        query = query.join(ambitions, ambitions.c.eid == e.c.eid)
        grouped["ambition"] = ambitions.c.ambition
    if "goal" in dims:
        assert goals_query is not None
        goals = _goals_with_ambition(goals_query)
        condition = goals.c.eid == e.c.eid
        if ambitions is not None:
            condition = condition & (goals.c.ambition == ambitions.c.ambition)
        query = query.join(goals, condition)
        grouped["goal_id"] = goals.c.goal_id
    if "ward" in dims:
        assert family.wards is not None
        wards = _ward_codes(family.wards())
        query = query.join(wards, wards.c.eid == e.c.eid)
        grouped["ward_code"] = wards.c.ward_code
    if "decile" in dims:
        assert family.wards is not None
        deciles = _deciles(family.wards())
        query = query.join(deciles, deciles.c.eid == e.c.eid)
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
    aggregates = [a.expression(e.c).label(f"v{index}") for index, a in enumerate(family.aggregates)]
    return query.add_columns(
        e.c.period,
        *(column.label(name) for name, column in columns.items()),
        func.count(e.c.org_id.distinct()).label("org_count"),
        *aggregates,
    ).group_by(e.c.period, *grouped.values())


def family_statements(family: Family, snapshot_id: Any) -> list[tuple[str, Executable]]:
    """The family's INSERT ... SELECT statements, one per breakdown set."""
    statements: list[tuple[str, Executable]] = []
    for dims in family.grouping_sets:
        if ("ward" in dims or "decile" in dims) and family.wards is None:
            continue
        if "goal" in dims and family.goals is None:
            continue
        expanded = _by_period(family.base())
        variants = [False, True] if family.has_dimension else [False]
        scopes = [False, True] if family.goals is not None else [False]
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
                grouped.c[f"v{index}"],
                grouped.c.org_count,
            )
            if family.has_dimension and not aggregate.by_dimension:
                row = row.where(grouped.c.dimension.is_(None))
            rows.append(row)
        body = union_all(*rows) if len(rows) > 1 else rows[0]
        name = f"{family.name}:{'+'.join(dims) or 'total'}"
        statements.append((name, insert(InsightFigure).from_select(list(OUTPUT_COLUMNS), body)))
    return statements


# ---------------------------------------------------------------- families


def _activities_base() -> Select:
    return select(
        Activity.id.label("eid"),
        Activity.lead_organisation_id.label("org_id"),
        Activity.start_date.label("day"),
        Activity.people_reached.label("people"),
        Activity.volunteer_hours.label("hours"),
        Activity.spend.label("spend"),
    ).where(Activity.lead_organisation_id.in_(counted_organisations()))


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
    wards=_activity_wards,
    goals=_activity_goals,
    aggregates=(
        Aggregate(m.ACTIVITIES_COUNT, lambda c: func.count(c.eid)),
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


def families() -> list[Family]:
    return [ACTIVITIES, PARTICIPATION]


def aggregate_statements(snapshot_id: int = 0) -> list[tuple[str, Executable]]:
    """Every statement a refresh runs to fill snapshot `snapshot_id`, named, for the bench."""
    bound = literal(snapshot_id, Integer)
    return [stmt for family in families() for stmt in family_statements(family, bound)]


def refresh(*, fail_after: int | None = None) -> InsightSnapshot:
    """Compute a new snapshot and make it current, all in the caller's transaction.

    The new snapshot is written while the old one stays current; one UPDATE then swaps them and
    the superseded ones are deleted, so readers (who read only `current`) see the old figures or
    the new ones, whole. `fail_after` stops after that many statements (tests of a failed run).
    """
    snapshot = InsightSnapshot()
    db.session.add(snapshot)
    db.session.flush()
    for index, (name, statement) in enumerate(aggregate_statements(snapshot.id)):
        if fail_after is not None and index >= fail_after:
            raise RuntimeError(f"Refresh stopped before {name} (fail_after={fail_after})")
        db.session.execute(statement)
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
    return snapshot
