"""One way to paginate a select across every list page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from ..extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def requested_page() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


def paginate(statement: Select, *, page: int | None = None, per_page: int = 20) -> Page:
    """Run `statement` for one page, plus one count query."""
    page = page or requested_page()
    total = (
        db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        or 0
    )
    items = list(
        db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique()
    )
    return Page(items=items, page=page, per_page=per_page, total=total)
