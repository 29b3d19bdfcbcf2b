"""One way to paginate across every list page: Flask-SQLAlchemy's `db.paginate`.

Pages read `?page=` (anything that is not a number is page 1, at most `MAX_PAGE`); a page past the
last one shows no items rather than an error. Templates render the `Pagination` object with the
`ui.pagination` macro (the GOV.UK pagination component).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from ..extensions import db

MAX_PAGE = 100_000


def requested_page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def paginate(statement: Select[Any], *, per_page: int = 20) -> Pagination:
    """Run `statement` for the requested page, plus one count query."""
    return db.paginate(statement, page=requested_page(), per_page=per_page, error_out=False)


class ListPagination(Pagination):
    """A page of a list already in memory, for results computed in Python."""

    def _query_items(self) -> list[Any]:
        items: list[Any] = self._query_args["items"]
        return items[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list[Any], *, per_page: int = 20) -> Pagination:
    return ListPagination(items=items, page=requested_page(), per_page=per_page, error_out=False)
