"""One way to paginate across every list page: Flask-SQLAlchemy's `db.paginate`.

Pages read `?page=` (anything that is not a number is page 1, at most `MAX_PAGE`); a page past the
last one shows no items rather than an error. Templates render the `Pagination` object with the
`ui.pagination` macro (the GOV.UK pagination component).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select
from sqlalchemy.orm import lazyload

from ..extensions import db

MAX_PAGE = 100_000
# Lists count at most this many rows (then "more than 10,000"): an exact count(*) over a
# city-scale table costs more than the page it belongs to.
COUNT_CAP = 10_000
# The public lists people browse and filter (activities, the exchange) count to a thousand:
# counting 10,000 of 160,000 visible activities took 9 ms, a third of the page, and past a
# thousand rows a person narrows the list with its filters rather than paging on.
BROWSE_COUNT_CAP = 1_000


def requested_page(arg: str = "page") -> int:
    try:
        return max(1, min(int(request.args.get(arg, 1)), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


class CappedPagination(SelectPagination):
    """`db.paginate`, but the count stops at `count_cap` + 1 rows: `capped` is then true and
    templates say "more than 10,000", so a long list costs what its page costs."""

    def __init__(self, count_cap: int, **kwargs: Any) -> None:
        self.count_cap = count_cap
        super().__init__(**kwargs)

    @property
    def capped(self) -> bool:
        return self.total is not None and self.total > self.count_cap

    def _query_count(self) -> int:
        select = self._query_args["select"]
        first = select.options(lazyload("*")).order_by(None).limit(self.count_cap + 1)
        count = sa.select(sa.func.count()).select_from(first.subquery())
        return int(self._query_args["session"].execute(count).scalar_one())


class KnownTotalPagination(SelectPagination):
    """A page of a list whose length the page already counted (in a totals query), so no
    second count(*) runs over the same rows."""

    def __init__(self, known_total: int, **kwargs: Any) -> None:
        self.known_total = known_total
        super().__init__(**kwargs)

    capped = False

    def _query_count(self) -> int:
        return self.known_total


class KeyFirstPagination(CappedPagination):
    """Finds the page's keys first (an index-only scan when an index covers the filter and order),
    then loads only those rows: a deep page skips index entries, not whole rows and their joins."""

    def _query_count(self) -> int:
        # The key alone, so the capped count reads an index rather than whole rows.
        select = self._query_args["select"]
        key = self._query_args["key"]
        first = select.with_only_columns(key, maintain_column_froms=True).order_by(None)
        count = sa.select(sa.func.count()).select_from(first.limit(self.count_cap + 1).subquery())
        return int(self._query_args["session"].execute(count).scalar_one())

    def _query_items(self) -> list[Any]:
        select = self._query_args["select"]
        key = self._query_args["key"]
        keys = (
            select.with_only_columns(key, maintain_column_froms=True)
            .limit(self.per_page)
            .offset(self._query_offset)
        )
        rows = select.where(key.in_(keys.scalar_subquery()))
        return list(self._query_args["session"].execute(rows).unique().scalars())


def paginate(
    statement: Select[Any],
    *,
    per_page: int = 20,
    count_cap: int | None = COUNT_CAP,
    key: Any = None,
    page_arg: str = "page",
    total: int | None = None,
) -> Pagination:
    """Run `statement` for the requested page, plus one count query, capped at `count_cap`
    rows (None: an exact count). With `key` (a unique column, such as the primary key), the page
    is found by key first (`KeyFirstPagination`), for long tables paged deep. `page_arg` names
    the query argument, for a second list on one page (`ui.pagination(page, page_arg)`).
    `total`, when the caller has counted the rows already, replaces the count query."""
    if total is not None:
        return KnownTotalPagination(
            total,
            select=statement,
            session=db.session(),
            page=requested_page(page_arg),
            per_page=per_page,
            max_per_page=None,
            error_out=False,
        )
    if key is not None:
        return KeyFirstPagination(
            count_cap if count_cap is not None else MAX_PAGE * per_page,
            select=statement,
            key=key,
            session=db.session(),
            page=requested_page(page_arg),
            per_page=per_page,
            max_per_page=None,
            error_out=False,
        )
    if count_cap is None:
        return db.paginate(
            statement, page=requested_page(page_arg), per_page=per_page, error_out=False
        )
    return CappedPagination(
        count_cap,
        select=statement,
        session=db.session(),
        page=requested_page(page_arg),
        per_page=per_page,
        max_per_page=None,
        error_out=False,
    )


class ListPagination(Pagination):
    """A page of a list already in memory, for results computed in Python."""

    def _query_items(self) -> list[Any]:
        items: list[Any] = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list[Any], *, per_page: int = 20) -> Pagination:
    return ListPagination(items=items, page=requested_page(), per_page=per_page, error_out=False)
