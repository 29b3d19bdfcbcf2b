"""The delivered funding the exchange publishes as open data (360Giving), read in streams.

Which exchanges: delivered, the offer a funding offer (its type as it was at delivery), the
amount recorded in pounds, both organisations approved and neither listing hidden by a
moderator. The offering organisation is the funder, the requesting one the recipient, and the
request's wards (else its city, else the recipient's own area) are where the money went.

Three statements whatever the number of grants: the grants (only the columns the files print),
then the request wards and the recipient organisations' wards of the same grants in the same
order, each read from a cursor and merged a grant at a time, as pledges/export.py does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, extract, func, select
from sqlalchemy.orm import aliased

from ..core.models import Ward
from ..extensions import db
from ..orgs.models import STATUS_APPROVED, Organisation, organisation_wards
from .giving360 import FUNDING, MONEY_UNITS, DeliveredFunding, Party, Place, Settings
from .models import MATCH_DELIVERED, ExchangeMatch, Listing, exchange_listing_wards

# Rows fetched from each cursor at a time.
BATCH = 1000


@dataclass(frozen=True)
class OpenDataFilters:
    """An award year (the delivery date's) and a ward (one of the request's)."""

    year: int | None = None
    ward_id: int | None = None


NO_FILTERS = OpenDataFilters()


@dataclass(frozen=True)
class OpenDataSummary:
    grants: int
    total: Decimal
    modified: datetime | None


_offer = aliased(Listing, name="giving_offer")
_request = aliased(Listing, name="giving_request")
_funder = aliased(Organisation, name="giving_funder")
_recipient = aliased(Organisation, name="giving_recipient")


def _published(statement: Select, filters: OpenDataFilters) -> Select:
    """`statement` narrowed to the delivered funding the exchange publishes."""
    resource_type = func.coalesce(ExchangeMatch.delivered_resource_type, _offer.resource_type)
    statement = (
        statement.join(_offer, ExchangeMatch.offer_id == _offer.id)
        .join(_request, ExchangeMatch.request_id == _request.id)
        .join(_funder, _offer.organisation_id == _funder.id)
        .join(_recipient, _request.organisation_id == _recipient.id)
        .where(
            ExchangeMatch.status == MATCH_DELIVERED,
            ExchangeMatch.delivered_at.is_not(None),
            ExchangeMatch.delivered_quantity > 0,
            func.lower(ExchangeMatch.delivered_unit).in_(MONEY_UNITS),
            resource_type == FUNDING,
            _funder.status == STATUS_APPROVED,
            _recipient.status == STATUS_APPROVED,
            _offer.hidden_at.is_(None),
            _request.hidden_at.is_(None),
        )
    )
    if filters.year is not None:
        statement = statement.where(
            ExchangeMatch.delivered_at >= datetime(filters.year, 1, 1),
            ExchangeMatch.delivered_at < datetime(filters.year + 1, 1, 1),
        )
    if filters.ward_id is not None:
        statement = statement.where(
            ExchangeMatch.request_id.in_(
                select(exchange_listing_wards.c.listing_id).where(
                    exchange_listing_wards.c.ward_id == filters.ward_id
                )
            )
        )
    return statement


def open_data_summary(filters: OpenDataFilters = NO_FILTERS) -> OpenDataSummary:
    """How many grants, their total in pounds and when one last changed: one query."""
    row = db.session.execute(
        _published(
            select(
                func.count(ExchangeMatch.id),
                func.sum(ExchangeMatch.delivered_quantity),
                func.max(ExchangeMatch.updated_at),
            ).select_from(ExchangeMatch),
            filters,
        )
    ).one()
    return OpenDataSummary(grants=row[0], total=Decimal(row[1] or 0), modified=row[2])


def award_years() -> list[int]:
    """The years with a published grant, newest first (the page's year filter)."""
    year = extract("year", ExchangeMatch.delivered_at)
    statement = _published(select(year).select_from(ExchangeMatch), NO_FILTERS)
    return [int(value) for value in db.session.scalars(statement.distinct().order_by(year.desc()))]


def _stream(statement: Any) -> Iterator[Any]:
    result = db.session.execute(statement, execution_options={"yield_per": BATCH})
    for partition in result.partitions():
        yield from partition


class _Companion:
    """Rows for the streamed grants, in match id order, taken a grant at a time."""

    def __init__(self, rows: Iterator[Row[Any]]) -> None:
        self._rows = rows
        self._head = next(self._rows, None)

    def take(self, match_id: int) -> list[Row[Any]]:
        taken = []
        while self._head is not None and self._head.match_id <= match_id:
            if self._head.match_id == match_id:
                taken.append(self._head)
            self._head = next(self._rows, None)
        return taken


def delivered_funding(
    settings: Settings, filters: OpenDataFilters = NO_FILTERS
) -> Iterator[DeliveredFunding]:
    """Every published grant, oldest exchange first, streamed."""
    base = _published(select(ExchangeMatch.id).select_from(ExchangeMatch), filters)
    ids = base.correlate(None).scalar_subquery()
    grants = _stream(
        base.with_only_columns(
            ExchangeMatch.id,
            func.coalesce(ExchangeMatch.delivered_title, _offer.title),
            _offer.description,
            ExchangeMatch.delivered_quantity,
            ExchangeMatch.delivered_at,
            ExchangeMatch.updated_at,
            _funder.id,
            _funder.name,
            _funder.charity_number,
            _funder.company_number,
            _recipient.id,
            _recipient.name,
            _recipient.charity_number,
            _recipient.company_number,
            _recipient.citywide,
            _request.citywide,
        ).order_by(ExchangeMatch.id)
    )
    request_wards = _Companion(
        _stream(
            select(ExchangeMatch.id.label("match_id"), Ward.name, Ward.ons_code)
            .join(
                exchange_listing_wards,
                exchange_listing_wards.c.listing_id == ExchangeMatch.request_id,
            )
            .join(Ward, Ward.id == exchange_listing_wards.c.ward_id)
            .where(ExchangeMatch.id.in_(ids))
            .order_by(ExchangeMatch.id, Ward.name)
        )
    )
    recipient_wards = _Companion(
        _stream(
            select(ExchangeMatch.id.label("match_id"), Ward.name, Ward.ons_code)
            .join(Listing, Listing.id == ExchangeMatch.request_id)
            .join(
                organisation_wards,
                organisation_wards.c.organisation_id == Listing.organisation_id,
            )
            .join(Ward, Ward.id == organisation_wards.c.ward_id)
            .where(ExchangeMatch.id.in_(ids))
            .order_by(ExchangeMatch.id, Ward.name)
        )
    )
    city = Place(settings.city_name, settings.city_code, settings.city_code_type)
    for row in grants:
        match_id = row[0]
        wards = [Place(w.name, w.ons_code) for w in request_wards.take(match_id)]
        own_wards = [Place(w.name, w.ons_code) for w in recipient_wards.take(match_id)]
        request_citywide, recipient_citywide = row[15], row[14]
        if wards:
            places = wards
        elif request_citywide:
            places = [city]
        else:
            # A request with no area of its own: where the recipient works.
            places = own_wards or ([city] if recipient_citywide else [])
        yield DeliveredFunding(
            match_id=match_id,
            title=row[1],
            description=row[2] or "",
            amount=Decimal(row[3]),
            delivered_at=row[4],
            modified_at=row[5],
            funder=Party(row[6], row[7], row[8], row[9]),
            recipient=Party(row[10], row[11], row[12], row[13]),
            places=places,
        )
