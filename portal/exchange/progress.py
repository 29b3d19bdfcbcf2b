"""Progress on requests: what is committed and delivered against what is needed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from ..extensions import db
from .models import (
    LISTING_MATCHED,
    LISTING_OPEN,
    MATCH_COMMITTED_STATUSES,
    MATCH_DELIVERED,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
    amount_label,
    quantity_label,
)
from .suggestions import rerank_after_commit


@dataclass(frozen=True)
class Progress:
    needed: Decimal | None
    committed: Decimal
    delivered: Decimal
    unit: str

    @property
    def remaining(self) -> Decimal | None:
        if self.needed is None:
            return None
        return max(Decimal(0), self.needed - self.committed)

    @property
    def is_met(self) -> bool:
        return self.needed is not None and self.committed >= self.needed

    @property
    def summary(self) -> str:
        """'1 of 2 freezers committed, 0 delivered', or what went beyond the need, said plainly."""
        if self.needed is None:
            return ""
        needed = quantity_label(self.needed, self.unit)
        over = self.committed - self.needed
        if over <= 0:
            text = (
                f"{amount_label(self.committed, self.unit)} of {needed} committed, "
                f"{amount_label(self.delivered, self.unit)} delivered"
            )
            return text + (" (need met)" if self.is_met else "")
        extra = f"{amount_label(over, self.unit)} more than the {needed} needed"
        if self.delivered >= self.committed:
            return f"{quantity_label(self.delivered, self.unit)} delivered, {extra}"
        return (
            f"{quantity_label(self.committed, self.unit)} committed, {extra}, "
            f"{amount_label(self.delivered, self.unit)} delivered"
        )


def request_progress(requests: Iterable[Listing]) -> dict[int, Progress]:
    """Committed (agreed or delivered) and delivered quantities for each request, in one query."""
    requests = [r for r in requests if r.side == SIDE_REQUEST]
    if not requests:
        return {}
    # A delivered match counts what was actually delivered; an agreed one what was committed.
    counted = func.coalesce(
        case(
            (ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_quantity),
            else_=ExchangeMatch.committed_quantity,
        ),
        0,
    )
    rows = db.session.execute(
        select(
            ExchangeMatch.request_id,
            func.sum(counted),
            func.sum(
                case(
                    (ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_quantity),
                    else_=0,
                )
            ),
        )
        .where(
            ExchangeMatch.request_id.in_([r.id for r in requests]),
            ExchangeMatch.status.in_(MATCH_COMMITTED_STATUSES),
        )
        .group_by(ExchangeMatch.request_id)
    ).all()
    totals = {row[0]: (Decimal(row[1] or 0), Decimal(row[2] or 0)) for row in rows}
    return {
        r.id: Progress(
            needed=r.quantity,
            committed=totals.get(r.id, (Decimal(0), Decimal(0)))[0],
            delivered=totals.get(r.id, (Decimal(0), Decimal(0)))[1],
            unit=r.unit,
        )
        for r in requests
    }


def refresh_request_status(request: Listing) -> None:
    """A request whose need is fully committed shows as matched; it reopens if that falls away."""
    progress = request_progress([request])[request.id]
    if request.status == LISTING_OPEN and progress.is_met:
        request.status = LISTING_MATCHED
        rerank_after_commit(request.id)
    elif request.status == LISTING_MATCHED and not progress.is_met:
        request.status = LISTING_OPEN
        rerank_after_commit(request.id)
