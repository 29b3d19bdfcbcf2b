"""The valuation and status rules of `valuation.py` and `status.py` as SQL expressions, for
figures over every pledge a query matches (the wall's totals, the overdue list) in one statement
instead of loading each pledge into Python.

Each expression here mirrors one pure function; tests compare the two on the same data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Numeric,
    Select,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from .models import ProxyValue

# Sums of £ to the penny: wide enough for a city's totals.
MONEY_SUM = Numeric(20, 2)


def year_of(day: Any) -> ColumnElement[int]:
    return cast(extract("year", day), Integer)


def proxy_periods() -> Any:
    """Each proxy version with the years it is in force (`valuation.proxy_for_year`): from its
    year (the earliest version from any year before it too) until the next version's year."""
    first = (
        func.row_number().over(partition_by=ProxyValue.measure_id, order_by=ProxyValue.year) == 1
    )
    return select(
        ProxyValue.measure_id.label("measure_id"),
        ProxyValue.value.label("value"),
        case((first, None), else_=ProxyValue.year).label("from_year"),
        func.lead(ProxyValue.year)
        .over(partition_by=ProxyValue.measure_id, order_by=ProxyValue.year)
        .label("until_year"),
    ).subquery("proxy_periods")


def proxy_in_force(periods: Any, measure_id: Any, year: Any) -> ColumnElement[bool]:
    """The `proxy_periods` row in force for a measure in a year (`valuation.proxy_for_year`)."""
    return and_(
        periods.c.measure_id == measure_id,
        or_(periods.c.from_year.is_(None), year >= periods.c.from_year),
        or_(periods.c.until_year.is_(None), year < periods.c.until_year),
    )


def valued(rows: Any, periods: Any) -> Select:
    """£ of `rows` (measure_id, year, units): each row's units × the proxy in force in its year,
    rounded to the penny (`valuation.money`) row by row, then summed. A measure with no proxy
    is worth £0, as in `ProxyBook`."""
    in_force = proxy_in_force(periods, rows.c.measure_id, rows.c.year)
    pounds = func.round(rows.c.units * periods.c.value, 2)
    return select(type_coerce(func.coalesce(func.sum(pounds), 0), MONEY_SUM)).select_from(
        rows.join(periods, in_force)
    )


def months_after(day: Any, months: int) -> ColumnElement[Any]:
    """`status.add_months` in SQL: the same day `months` later, or that month's last day."""
    if db.engine.dialect.name == "sqlite":
        # date(..., '+n months') overflows into the next month (31 Nov is 1 Dec): clamp it to
        # the last day of the month n months on. ISO dates compare as text.
        plain = func.date(day, f"+{months} months")
        month_end = func.date(day, "start of month", f"+{months + 1} months", "-1 day")
        return func.min(plain, month_end)
    # PostgreSQL's month arithmetic already ends at the month's last day.
    return cast(day + literal_column(f"interval '{months} months'"), Date)


def later_of(a: Any, b: Any) -> ColumnElement[Any]:
    """The later of a date and a nullable date (`status.last_activity`)."""
    return case((a.is_(None), b), (a > b, a), else_=b)
