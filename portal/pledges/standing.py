"""Each pledge's stored standing (`PledgeStanding`): recomputed from the facts by the SQL rules
of `rules_sql.py`, in the flush that changes those facts.

The facts are a pledge's promise, its current progress reports, its revisions, the delivered
exchanges linked to it and the measure's proxies. A session listener notices any of them being
added, changed or deleted, whichever service (or test, or demo seeder) did it, and refreshes the
pledges concerned on the flush's own connection: the standing commits or rolls back with the
change. The exchange feature knows nothing of this; the listener watches its matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Numeric,
    Table,
    and_,
    case,
    cast,
    delete,
    event,
    exists,
    func,
    inspect,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..exchange.models import MATCH_DELIVERED, ExchangeMatch
from ..extensions import db
from . import rules_sql as sql
from . import status as rules
from .links import countable_quantity_sql
from .models import (
    REPORT_CURRENT,
    Pledge,
    PledgeExchangeLink,
    PledgeRevision,
    PledgeStanding,
    ProgressUpdate,
    ProxyValue,
    SocialValueMeasure,
)
from .services import _first_revisions

# The promise's columns that change a pledge's standing when edited or revised.
PROMISE_ATTRIBUTES = ("baseline", "target", "start_date", "end_date", "measure_id", "measure")


def _deliveries(chosen: ColumnElement[bool]) -> Any:
    """Every current report and linked delivered exchange of the chosen pledges: the day it
    counts on, units (a link at most what was delivered), units the wall's totals count (a link
    at its linked quantity) and the day it was reported."""
    reports = (
        select(
            ProgressUpdate.pledge_id.label("pledge_id"),
            ProgressUpdate.period_end.label("on"),
            ProgressUpdate.value.label("units"),
            ProgressUpdate.value.label("counted"),
            func.date(ProgressUpdate.created_at).label("reported_on"),
        )
        .join(Pledge, Pledge.id == ProgressUpdate.pledge_id)
        .where(ProgressUpdate.status == REPORT_CURRENT, chosen)
    )
    most = countable_quantity_sql(
        ExchangeMatch.delivered_quantity, ExchangeMatch.delivered_unit, SocialValueMeasure.unit
    )
    exchanges = (
        select(
            PledgeExchangeLink.pledge_id.label("pledge_id"),
            func.date(ExchangeMatch.delivered_at).label("on"),
            case(
                (most < PledgeExchangeLink.quantity, most), else_=PledgeExchangeLink.quantity
            ).label("units"),
            PledgeExchangeLink.quantity.label("counted"),
            func.date(PledgeExchangeLink.linked_at).label("reported_on"),
        )
        .join(ExchangeMatch, PledgeExchangeLink.match_id == ExchangeMatch.id)
        .join(Pledge, PledgeExchangeLink.pledge_id == Pledge.id)
        .join(SocialValueMeasure, Pledge.measure_id == SocialValueMeasure.id)
        .where(
            ExchangeMatch.status == MATCH_DELIVERED,
            ExchangeMatch.delivered_at.is_not(None),
            chosen,
        )
    )
    return union_all(reports, exchanges).subquery("deliveries")


def standing_query(chosen: ColumnElement[bool]) -> Any:
    """One row per chosen pledge with every `PledgeStanding` column, by the rules of
    `services.assess` (status dates), `valuation` (£) and `public_totals` (counted £)."""
    periods = sql.proxy_periods()
    deliveries = _deliveries(chosen)
    delivered = (
        select(
            deliveries.c.pledge_id,
            func.sum(deliveries.c.units).label("units"),
            func.max(deliveries.c.reported_on).label("last_reported_on"),
            func.max(deliveries.c.on).label("last_period_end"),
        )
        .group_by(deliveries.c.pledge_id)
        .subquery("delivered")
    )
    # £ of each delivery at the proxy for the year it counts in, summed, then rounded once per
    # pledge as `ProxyBook.delivered_value` does.
    counted = (
        select(
            deliveries.c.pledge_id,
            func.round(func.sum(deliveries.c.counted * periods.c.value), 2).label("value"),
        )
        .select_from(
            deliveries.join(Pledge, Pledge.id == deliveries.c.pledge_id).join(
                periods,
                sql.proxy_in_force(periods, Pledge.measure_id, sql.year_of(deliveries.c.on)),
            )
        )
        .group_by(deliveries.c.pledge_id)
        .subquery("counted")
    )
    first = _first_revisions(select(Pledge.id).where(chosen))
    amount = Numeric(14, 2)
    promised = func.abs(Pledge.target - Pledge.baseline)
    original = func.abs(
        func.coalesce(cast(first.c.target, amount), Pledge.target)
        - func.coalesce(cast(first.c.baseline, amount), Pledge.baseline)
    )
    original_year = func.coalesce(
        cast(func.substr(first.c.start_date, 1, 4), Integer), sql.year_of(Pledge.start_date)
    )

    def proxy(year: Any) -> Any:
        value = select(periods.c.value).where(sql.proxy_in_force(periods, Pledge.measure_id, year))
        return func.coalesce(value.scalar_subquery(), 0)

    units = func.coalesce(delivered.c.units, 0)
    last_activity = sql.later_of(delivered.c.last_reported_on, Pledge.start_date)
    return (
        select(
            Pledge.id.label("pledge_id"),
            units.label("delivered_units"),
            case((and_(promised > 0, units >= promised), True), else_=False).label("achieved"),
            delivered.c.last_reported_on,
            delivered.c.last_period_end,
            sql.months_after(last_activity, rules.REPORT_EVERY_MONTHS).label("next_due"),
            sql.months_after(last_activity, rules.LAPSE_AFTER_MONTHS).label("lapses_on"),
            func.round(promised * proxy(sql.year_of(Pledge.start_date)), 2).label("promised_value"),
            original.label("original_units"),
            original_year.label("original_year"),
            func.round(original * proxy(original_year), 2).label("original_value"),
            func.coalesce(counted.c.value, 0).label("counted_value"),
        )
        .select_from(Pledge)
        .outerjoin(delivered, delivered.c.pledge_id == Pledge.id)
        .outerjoin(counted, counted.c.pledge_id == Pledge.id)
        .outerjoin(first, first.c.pledge_id == Pledge.id)
        .where(chosen)
    )


def _refresh(connection: Connection, chosen: ColumnElement[bool]) -> None:
    """Upsert the chosen pledges' standing rows from `standing_query`."""
    table = PledgeStanding.__table__
    columns = [column.name for column in table.columns]
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).from_select(columns, standing_query(chosen))
    statement = statement.on_conflict_do_update(
        index_elements=["pledge_id"],
        set_={name: statement.excluded[name] for name in columns if name != "pledge_id"},
    )
    connection.execute(statement)


def refresh_standing(pledge_ids: Iterable[int] | None = None, *, connection: Any = None) -> None:
    """Recompute these pledges' stored standing from the facts (every pledge's when None), in
    the current transaction; rows of pledges that no longer exist go."""
    connection = connection or db.session.connection()
    standing = PledgeStanding.__table__
    assert isinstance(standing, Table)
    if pledge_ids is None:
        _refresh(connection, true())
        gone = ~exists().where(Pledge.id == standing.c.pledge_id)
        connection.execute(delete(standing).where(gone))
        return
    ids = sorted(set(pledge_ids))
    if not ids:
        return
    _refresh(connection, Pledge.id.in_(ids))
    gone = ~exists().where(Pledge.id == standing.c.pledge_id)
    connection.execute(delete(standing).where(standing.c.pledge_id.in_(ids), gone))


def refresh_measures(measure_ids: Iterable[int], *, connection: Any = None) -> None:
    """Recompute the standing of every pledge of these measures (their proxies changed)."""
    ids = sorted(set(measure_ids))
    if ids:
        _refresh(connection or db.session.connection(), Pledge.measure_id.in_(ids))


def _changed_promise(pledge: Pledge) -> bool:
    state = inspect(pledge)
    return any(state.attrs[name].history.has_changes() for name in PROMISE_ATTRIBUTES)


def _after_flush(session: Session, flush_context: Any) -> None:
    pledge_ids: set[int] = set()
    match_ids: set[int] = set()
    measure_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, ProgressUpdate | PledgeRevision | PledgeExchangeLink):
            pledge_ids.add(obj.pledge_id)
        elif isinstance(obj, Pledge) and (
            obj in session.new or obj in session.deleted or _changed_promise(obj)
        ):
            pledge_ids.add(obj.id)
        elif isinstance(obj, ExchangeMatch) and session.is_modified(obj):
            match_ids.add(obj.id)
        elif isinstance(obj, ProxyValue):
            measure_ids.add(obj.measure_id)
    if not (pledge_ids or match_ids or measure_ids):
        return
    connection = session.connection()
    if match_ids:
        pledge_ids.update(
            connection.scalars(
                select(PledgeExchangeLink.pledge_id).where(
                    PledgeExchangeLink.match_id.in_(match_ids)
                )
            )
        )
    refresh_standing(pledge_ids, connection=connection)
    refresh_measures(measure_ids, connection=connection)


def install_listeners() -> None:
    """Listen on every session (idempotent: the app factory may run many times)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
