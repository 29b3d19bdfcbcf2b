"""Ranked suggestions for each open listing (the matching module's output), kept fresh by job."""

from __future__ import annotations

import json
import logging

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..core.models import utcnow
from ..extensions import db
from ..jobs import enqueue_after_commit
from . import matching
from .loading import counterpart_rows
from .models import (
    LISTING_OPEN,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeSuggestion,
    Listing,
)
from .neighbours import ward_neighbours
from .search import listed

log = logging.getLogger(__name__)


def listing_facts(listing: Listing) -> matching.ListingFacts:
    return matching.ListingFacts(
        id=listing.id,
        organisation_id=listing.organisation_id,
        resource_type=listing.resource_type,
        ward_names=frozenset(w.name for w in listing.wards),
        citywide=listing.citywide,
        ambition_names=frozenset(a.name for a in listing.ambitions),
        quantity=float(listing.quantity) if listing.quantity is not None else None,
        unit=listing.unit,
        available_from=listing.available_from,
        available_until=listing.available_until,
        needed_by=listing.needed_by,
    )


def rerank_after_commit(listing_id: int) -> None:
    """Re-rank `listing_id`'s suggestions by job once the caller's transaction commits."""
    enqueue_after_commit(rerank_listing, listing_id)


def rerank_listing(listing_id: int) -> int:
    """Re-rank the suggestions involving one listing after it changed (run by job; it commits)."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return 0  # deleted since the job was queued: nothing to rank
    count = recompute_suggestions_for(listing)
    log.info("Listing %s has %s suggestions", listing_id, count)
    return count


def _open_listings(side: str) -> list[Listing]:
    return list(
        db.session.scalars(
            select(Listing).where(
                Listing.side == side, Listing.status == LISTING_OPEN, Listing.hidden_at.is_(None)
            )
        ).unique()
    )


def recompute_suggestions_for(listing: Listing, candidates: list[Listing] | None = None) -> int:
    """Replace the suggestions involving `listing` with freshly ranked ones; returns how many."""
    column = ExchangeSuggestion.request_id if listing.is_request else ExchangeSuggestion.offer_id
    db.session.execute(delete(ExchangeSuggestion).where(column == listing.id))
    if not listing.is_open:
        db.session.flush()
        return 0
    other_side = SIDE_OFFER if listing.is_request else SIDE_REQUEST
    candidates = candidates if candidates is not None else _open_listings(other_side)
    facts = listing_facts(listing)
    others = [listing_facts(c) for c in candidates]
    ranked = (
        matching.rank_offers(facts, others, ward_neighbours())
        if listing.is_request
        else matching.rank_requests(facts, others, ward_neighbours())
    )
    now = utcnow()
    for item in ranked:
        db.session.add(
            ExchangeSuggestion(
                request_id=item.request_id,
                offer_id=item.offer_id,
                score=item.score,
                reasons_json=json.dumps(list(item.reasons)),
                computed_at=now,
            )
        )
    db.session.flush()
    return len(ranked)


def recompute_all_suggestions() -> int:
    """Rank offers for every open request (which also covers every open offer's requests)."""
    db.session.execute(delete(ExchangeSuggestion))
    offers = _open_listings(SIDE_OFFER)
    return sum(
        recompute_suggestions_for(request, offers) for request in _open_listings(SIDE_REQUEST)
    )


def suggestions_for(listing: Listing, limit: int = 10) -> list[ExchangeSuggestion]:
    """The ranked suggestions for a listing, showing only counterparts still listed.

    Ranking keeps a suspended organisation's listings; they are left out here, so reinstating
    it brings its suggestions back without re-ranking."""
    if listing.is_request:
        own, other, other_column = (
            ExchangeSuggestion.request_id,
            ExchangeSuggestion.offer,
            ExchangeSuggestion.offer_id,
        )
    else:
        own, other, other_column = (
            ExchangeSuggestion.offer_id,
            ExchangeSuggestion.request,
            ExchangeSuggestion.request_id,
        )
    return list(
        db.session.scalars(
            select(ExchangeSuggestion)
            .join(Listing, other_column == Listing.id)
            .where(own == listing.id, listed())
            .options(selectinload(other).options(*counterpart_rows()))
            .order_by(ExchangeSuggestion.score.desc(), other_column)
            .limit(limit)
        )
    )
