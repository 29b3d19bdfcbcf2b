"""State changes and queries for the exchange. Services add and flush; the caller commits."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import MATCH_DELIVERED, ExchangeMatch, Listing


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
