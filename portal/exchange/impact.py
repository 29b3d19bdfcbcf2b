"""What the exchange delivered: for an organisation's social value and for each Ambition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from ..core.models import Ambition
from ..extensions import db
from ..orgs.models import REQUEST_ACCEPTED, NetworkMembership, Organisation
from ..orgs.services import counted_organisations
from .models import (
    LISTING_OPEN,
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
    exchange_listing_ambitions,
    exchange_listing_wards,
)


@dataclass(frozen=True)
class ImpactFilters:
    """What the impact page is narrowed to, counted as the insights figures count: a delivered
    exchange by its delivery date, the request's wards and the offering organisation's network
    and kind; an open listing by the date it was listed, its wards and its organisation."""

    period: tuple[date, date] | None = None
    ward_id: int | None = None
    network_id: int | None = None
    org_kind: str | None = None


NO_FILTERS = ImpactFilters()


def _organisation_filters(organisation_id: Any, filters: ImpactFilters) -> list[Any]:
    clauses = []
    if filters.network_id:
        clauses.append(
            organisation_id.in_(
                select(NetworkMembership.organisation_id).where(
                    NetworkMembership.network_id == filters.network_id,
                    NetworkMembership.status == REQUEST_ACCEPTED,
                )
            )
        )
    if filters.org_kind:
        clauses.append(
            organisation_id.in_(
                select(Organisation.id).where(Organisation.kind == filters.org_kind)
            )
        )
    return clauses


def _dated_between(on: Any, filters: ImpactFilters) -> list[Any]:
    if filters.period is None:
        return []
    start, end = filters.period
    return [
        on >= datetime.combine(start, time()),
        on < datetime.combine(end + timedelta(1), time()),
    ]


def _in_ward(listing_id: Any, filters: ImpactFilters) -> list[Any]:
    if not filters.ward_id:
        return []
    return [
        listing_id.in_(
            select(exchange_listing_wards.c.listing_id).where(
                exchange_listing_wards.c.ward_id == filters.ward_id
            )
        )
    ]


def delivered_matches_for_organisation(organisation_id: int) -> list[ExchangeMatch]:
    """Matches delivered where `organisation_id` was the offering side, newest first."""
    return list(
        db.session.scalars(
            select(ExchangeMatch)
            .join(Listing, ExchangeMatch.offer_id == Listing.id)
            .where(
                Listing.organisation_id == organisation_id,
                ExchangeMatch.status == MATCH_DELIVERED,
            )
            .order_by(ExchangeMatch.delivered_at.desc(), ExchangeMatch.id.desc())
        ).unique()
    )


def _delivered_between_counted(
    statement: Select, offer: Any, filters: ImpactFilters = NO_FILTERS
) -> Select:
    """Only delivered matches, and only between organisations that count: a suspended one
    counts nowhere, on either side of an exchange. `offer` is the caller's alias of the offer."""
    request = aliased(Listing)
    delivered_on = func.coalesce(
        ExchangeMatch.delivered_at, ExchangeMatch.responded_at, ExchangeMatch.created_at
    )
    return (
        statement.join(offer, ExchangeMatch.offer_id == offer.id)
        .join(request, ExchangeMatch.request_id == request.id)
        .where(
            ExchangeMatch.status == MATCH_DELIVERED,
            offer.organisation_id.in_(counted_organisations()),
            request.organisation_id.in_(counted_organisations()),
            *_dated_between(delivered_on, filters),
            *_in_ward(ExchangeMatch.request_id, filters),
            *_organisation_filters(offer.organisation_id, filters),
        )
    )


def delivered_totals(
    *,
    organisation_id: int | None = None,
    ambition_id: int | None = None,
    filters: ImpactFilters = NO_FILTERS,
) -> list[tuple[str, str, Decimal]]:
    """Delivered quantities as (resource type, unit, total), for social value and convenors.

    `organisation_id` counts what that organisation gave; `ambition_id` what was delivered
    against requests tagged with that Ambition.
    """
    offer = aliased(Listing)
    # The type as it was at delivery; a listing edited since does not move the figures.
    resource_type = func.coalesce(ExchangeMatch.delivered_resource_type, offer.resource_type)
    statement = _delivered_between_counted(
        select(
            resource_type,
            ExchangeMatch.delivered_unit,
            func.sum(ExchangeMatch.delivered_quantity),
        ),
        offer,
        filters,
    )
    statement = statement.group_by(resource_type, ExchangeMatch.delivered_unit).order_by(
        resource_type, ExchangeMatch.delivered_unit
    )
    if organisation_id is not None:
        statement = statement.where(offer.organisation_id == organisation_id)
    if ambition_id is not None:
        statement = statement.where(
            ExchangeMatch.request_id.in_(
                select(exchange_listing_ambitions.c.listing_id).where(
                    exchange_listing_ambitions.c.ambition_id == ambition_id
                )
            )
        )
    return [(row[0], row[1], Decimal(row[2] or 0)) for row in db.session.execute(statement)]


@dataclass
class AmbitionImpact:
    ambition: Ambition
    open_requests: int
    open_offers: int
    delivered_matches: int
    totals: list[tuple[str, str, Decimal]]


def ambition_impact(
    ambitions: list[Ambition], filters: ImpactFilters = NO_FILTERS
) -> list[AmbitionImpact]:
    """What the exchange did for each Ambition: open listings, delivered matches and amounts.

    Two aggregate queries whatever the number of Ambitions: open listings by Ambition and side,
    and delivered matches by Ambition, type and unit (whose counts add up to each Ambition's
    delivered exchanges, since a match falls in exactly one type and unit)."""
    if not ambitions:
        return []
    tags = exchange_listing_ambitions
    ambition_ids = [ambition.id for ambition in ambitions]
    listing_counts = {
        (row[0], row[1]): row[2]
        for row in db.session.execute(
            select(tags.c.ambition_id, Listing.side, func.count(Listing.id))
            .join(Listing, Listing.id == tags.c.listing_id)
            .where(
                tags.c.ambition_id.in_(ambition_ids),
                Listing.status == LISTING_OPEN,
                Listing.hidden_at.is_(None),
                Listing.organisation_id.in_(counted_organisations()),
                *_dated_between(Listing.created_at, filters),
                *_in_ward(Listing.id, filters),
                *_organisation_filters(Listing.organisation_id, filters),
            )
            .group_by(tags.c.ambition_id, Listing.side)
        )
    }
    offer = aliased(Listing)
    # The type as it was at delivery; a listing edited since does not move the figures.
    resource_type = func.coalesce(ExchangeMatch.delivered_resource_type, offer.resource_type)
    delivered = db.session.execute(
        _delivered_between_counted(
            select(
                tags.c.ambition_id,
                resource_type,
                ExchangeMatch.delivered_unit,
                func.count(ExchangeMatch.id),
                func.sum(ExchangeMatch.delivered_quantity),
            ).join(ExchangeMatch, ExchangeMatch.request_id == tags.c.listing_id),
            offer,
            filters,
        )
        .where(tags.c.ambition_id.in_(ambition_ids))
        .group_by(tags.c.ambition_id, resource_type, ExchangeMatch.delivered_unit)
        .order_by(tags.c.ambition_id, resource_type, ExchangeMatch.delivered_unit)
    ).all()
    delivered_counts: dict[int, int] = {}
    totals: dict[int, list[tuple[str, str, Decimal]]] = {}
    for ambition_id, kind, unit, count, amount in delivered:
        delivered_counts[ambition_id] = delivered_counts.get(ambition_id, 0) + count
        totals.setdefault(ambition_id, []).append((kind, unit, Decimal(amount or 0)))
    return [
        AmbitionImpact(
            ambition=ambition,
            open_requests=listing_counts.get((ambition.id, SIDE_REQUEST), 0),
            open_offers=listing_counts.get((ambition.id, SIDE_OFFER), 0),
            delivered_matches=delivered_counts.get(ambition.id, 0),
            totals=totals.get(ambition.id, []),
        )
        for ambition in ambitions
    ]
