"""What the exchange delivered: for an organisation's social value and for each Ambition."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import aliased

from ..core.models import Ambition
from ..extensions import db
from ..orgs.models import REQUEST_ACCEPTED, NetworkMembership, Organisation
from ..orgs.services import counted_organisations
from .models import (
    EVERY_AMBITION,
    FIGURE_DELIVERED,
    LISTING_OPEN,
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeImpactFigure,
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


def delivered_totals_statement(
    *,
    organisation_id: int | None = None,
    ambition_id: int | None = None,
    filters: ImpactFilters = NO_FILTERS,
) -> Select:
    """Delivered exchanges as (resource type, unit, exchanges, total quantity), by type and unit.

    `organisation_id` counts what that organisation gave; `ambition_id` what was delivered
    against requests tagged with that Ambition; neither, every delivered exchange.
    """
    offer = aliased(Listing)
    # The type as it was at delivery; a listing edited since does not move the figures.
    resource_type = func.coalesce(ExchangeMatch.delivered_resource_type, offer.resource_type)
    statement = _delivered_between_counted(
        select(
            resource_type.label("resource_type"),
            ExchangeMatch.delivered_unit.label("unit"),
            func.count(ExchangeMatch.id).label("count"),
            func.sum(ExchangeMatch.delivered_quantity).label("quantity"),
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
    return statement


def delivered_totals(
    *,
    organisation_id: int | None = None,
    ambition_id: int | None = None,
    filters: ImpactFilters = NO_FILTERS,
) -> list[tuple[str, str, Decimal]]:
    """Delivered quantities as (resource type, unit, total), for social value and convenors
    (see `delivered_totals_statement`)."""
    statement = delivered_totals_statement(
        organisation_id=organisation_id, ambition_id=ambition_id, filters=filters
    )
    return [(row[0], row[1], Decimal(row[3] or 0)) for row in db.session.execute(statement)]


def _tagged(ambition_ids: Iterable[int] | None) -> ColumnElement[bool]:
    if ambition_ids is None:
        return true()
    return exchange_listing_ambitions.c.ambition_id.in_(list(ambition_ids))


def open_listing_counts(
    ambition_ids: Iterable[int] | None, filters: ImpactFilters = NO_FILTERS
) -> Select:
    """(Ambition, side, open listings) for these Ambitions (every one when None): listed (open,
    not hidden) listings of organisations that count."""
    tags = exchange_listing_ambitions
    return (
        select(
            tags.c.ambition_id.label("ambition_id"),
            Listing.side.label("side"),
            func.count(Listing.id).label("count"),
        )
        .join(Listing, Listing.id == tags.c.listing_id)
        .where(
            _tagged(ambition_ids),
            Listing.status == LISTING_OPEN,
            Listing.hidden_at.is_(None),
            Listing.organisation_id.in_(counted_organisations()),
            *_dated_between(Listing.created_at, filters),
            *_in_ward(Listing.id, filters),
            *_organisation_filters(Listing.organisation_id, filters),
        )
        .group_by(tags.c.ambition_id, Listing.side)
    )


def delivered_by_ambition(
    ambition_ids: Iterable[int] | None, filters: ImpactFilters = NO_FILTERS
) -> Select:
    """(Ambition, resource type, unit, exchanges, total quantity) delivered against requests
    tagged with these Ambitions (every one when None)."""
    tags = exchange_listing_ambitions
    offer = aliased(Listing)
    # The type as it was at delivery; a listing edited since does not move the figures.
    resource_type = func.coalesce(ExchangeMatch.delivered_resource_type, offer.resource_type)
    return (
        _delivered_between_counted(
            select(
                tags.c.ambition_id.label("ambition_id"),
                resource_type.label("resource_type"),
                ExchangeMatch.delivered_unit.label("unit"),
                func.count(ExchangeMatch.id).label("count"),
                func.sum(ExchangeMatch.delivered_quantity).label("quantity"),
            ).join(ExchangeMatch, ExchangeMatch.request_id == tags.c.listing_id),
            offer,
            filters,
        )
        .where(_tagged(ambition_ids))
        .group_by(tags.c.ambition_id, resource_type, ExchangeMatch.delivered_unit)
        .order_by(tags.c.ambition_id, resource_type, ExchangeMatch.delivered_unit)
    )


@dataclass
class AmbitionImpact:
    ambition: Ambition
    open_requests: int
    open_offers: int
    delivered_matches: int
    totals: list[tuple[str, str, Decimal]]


def _impacts(
    ambitions: list[Ambition],
    listing_counts: dict[tuple[int, str], int],
    delivered: Iterable[tuple[int, str, str, int, Any]],
) -> list[AmbitionImpact]:
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


def ambition_impact(
    ambitions: list[Ambition], filters: ImpactFilters = NO_FILTERS
) -> list[AmbitionImpact]:
    """What the exchange did for each Ambition: open listings, delivered matches and amounts.

    Two aggregate queries whatever the number of Ambitions: open listings by Ambition and side,
    and delivered matches by Ambition, type and unit (whose counts add up to each Ambition's
    delivered exchanges, since a match falls in exactly one type and unit)."""
    if not ambitions:
        return []
    ambition_ids = [ambition.id for ambition in ambitions]
    listing_counts = {
        (row[0], row[1]): row[2]
        for row in db.session.execute(open_listing_counts(ambition_ids, filters))
    }
    delivered = db.session.execute(delivered_by_ambition(ambition_ids, filters)).all()
    return _impacts(ambitions, listing_counts, delivered)


def stored_impact(
    ambitions: list[Ambition],
) -> tuple[list[AmbitionImpact], list[tuple[str, str, Decimal]]]:
    """The unfiltered page's figures (`ambition_impact` and `delivered_totals` without filters),
    read in one query from the stored `ExchangeImpactFigure` rows of these Ambitions and of
    every exchange: a few rows per Ambition, whatever the size of the exchange."""
    figures = ExchangeImpactFigure
    rows = db.session.execute(
        select(
            figures.ambition_id,
            figures.figure,
            figures.resource_type,
            figures.unit,
            figures.count,
            figures.quantity,
        )
        .where(figures.ambition_id.in_([EVERY_AMBITION, *(a.id for a in ambitions)]))
        .order_by(figures.ambition_id, figures.figure, figures.resource_type, figures.unit)
    ).all()
    listing_counts: dict[tuple[int, str], int] = {}
    delivered: list[tuple[int, str, str, int, Any]] = []
    overall: list[tuple[str, str, Decimal]] = []
    for ambition_id, figure, kind, unit, count, quantity in rows:
        if figure != FIGURE_DELIVERED:
            listing_counts[(ambition_id, figure)] = count
        elif ambition_id == EVERY_AMBITION:
            overall.append((kind, unit, Decimal(quantity or 0)))
        else:
            delivered.append((ambition_id, kind, unit, count, quantity))
    return _impacts(ambitions, listing_counts, delivered), overall
