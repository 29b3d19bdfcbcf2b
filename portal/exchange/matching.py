"""Scoring an offer against a request: pure functions over plain values, with reasons.

The score (0 to 100) adds up five parts:
- type compatibility (up to 40): the same resource type scores in full; related types (skills
  and mentoring, IT and equipment...) score part; unrelated types score nothing and the pair is
  never suggested, however close they are;
- place (up to 30): the offer serves a ward the request names (30), a neighbouring ward (18),
  or works citywide (12);
- Ambitions (up to 15): the share of the request's Ambitions the offer also tags;
- dates (up to 10): the offer is available on or before the date the request needs it by;
- quantity (up to 5): how much of the requested quantity the offer covers, in the same unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

TYPE_WEIGHT = 40.0
PLACE_WEIGHT = 30.0
NEIGHBOUR_WEIGHT = 18.0
CITYWIDE_WEIGHT = 12.0
AMBITION_WEIGHT = 15.0
DATE_WEIGHT = 10.0
QUANTITY_WEIGHT = 5.0
# Below this a pairing is not worth anyone's time to read.
MIN_SCORE = 45.0

# How well an offered type meets a requested type (1 = exactly). Symmetric; unlisted pairs are 0.
RELATED_TYPES: dict[frozenset[str], float] = {
    frozenset({"skills", "mentoring"}): 0.6,
    frozenset({"skills", "volunteer_time"}): 0.5,
    frozenset({"mentoring", "volunteer_time"}): 0.4,
    frozenset({"skills", "digital"}): 0.5,
    frozenset({"equipment", "digital"}): 0.5,
    frozenset({"equipment", "food"}): 0.3,
}

TYPE_LABELS = {
    "volunteer_time": "volunteer time",
    "skills": "skills and pro bono expertise",
    "mentoring": "mentoring",
    "space": "space or venue",
    "equipment": "equipment or goods",
    "food": "surplus food",
    "digital": "IT and digital",
    "funding": "funding",
}


@dataclass(frozen=True)
class ListingFacts:
    """What matching needs to know about a listing, detached from the database."""

    id: int
    organisation_id: int
    resource_type: str
    ward_names: frozenset[str] = frozenset()
    citywide: bool = False
    ambition_names: frozenset[str] = frozenset()
    quantity: float | None = None
    unit: str = ""
    available_from: date | None = None
    available_until: date | None = None
    needed_by: date | None = None


@dataclass(frozen=True)
class MatchScore:
    offer_id: int
    request_id: int
    score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)


def type_compatibility(requested: str, offered: str) -> float:
    if requested == offered:
        return 1.0
    return RELATED_TYPES.get(frozenset({requested, offered}), 0.0)


def _names(items: Iterable[str]) -> str:
    items = sorted(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _amount(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _place(
    request: ListingFacts, offer: ListingFacts, neighbours: Mapping[str, frozenset[str]]
) -> tuple[float, str | None]:
    shared = request.ward_names & offer.ward_names
    if shared:
        return PLACE_WEIGHT, f"Serves {_names(shared)}, where it is needed"
    if offer.citywide and request.citywide:
        return PLACE_WEIGHT, "Both work citywide"
    near = {
        ward for ward in offer.ward_names if neighbours.get(ward, frozenset()) & request.ward_names
    }
    if near:
        return NEIGHBOUR_WEIGHT, f"Serves a neighbouring ward: {_names(near)}"
    if offer.citywide:
        return CITYWIDE_WEIGHT, "Available citywide"
    if request.citywide and offer.ward_names:
        return CITYWIDE_WEIGHT, "The request is citywide"
    return 0.0, None


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _dates(request: ListingFacts, offer: ListingFacts) -> tuple[float, str | None]:
    needed_by = request.needed_by
    if needed_by is None:
        return DATE_WEIGHT / 2, None
    if offer.available_from is not None and offer.available_from > needed_by:
        return 0.0, None
    if offer.available_until is not None and offer.available_until < needed_by:
        # Available in time, but the window closes before the deadline: it may still help.
        return DATE_WEIGHT / 2, f"Available until {_day(offer.available_until)}"
    return DATE_WEIGHT, f"Available before it is needed, by {_day(needed_by)}"


def _quantity(request: ListingFacts, offer: ListingFacts) -> tuple[float, str | None]:
    if request.quantity is None or offer.quantity is None or request.quantity <= 0:
        return QUANTITY_WEIGHT / 2, None
    if request.unit.strip().lower() != offer.unit.strip().lower():
        return QUANTITY_WEIGHT / 4, None
    unit = request.unit.strip()
    if offer.quantity >= request.quantity:
        return QUANTITY_WEIGHT, (
            f"Offers {_amount(offer.quantity)} {unit} against {_amount(request.quantity)} needed"
        )
    share = offer.quantity / request.quantity
    return QUANTITY_WEIGHT * share, (
        f"Could meet part of it: {_amount(offer.quantity)} of {_amount(request.quantity)} {unit}"
    )


def score_match(
    request: ListingFacts,
    offer: ListingFacts,
    neighbours: Mapping[str, frozenset[str]] | None = None,
) -> MatchScore:
    """Score how well `offer` meets `request`, with the reasons a person would want to read."""
    neighbours = neighbours or {}
    reasons: list[str] = []
    compatibility = type_compatibility(request.resource_type, offer.resource_type)
    if compatibility == 0 or request.organisation_id == offer.organisation_id:
        return MatchScore(offer.id, request.id, 0.0, ())
    if compatibility == 1:
        reasons.append(f"Both are about {TYPE_LABELS.get(offer.resource_type, 'this')}")
    else:
        reasons.append(
            f"{TYPE_LABELS.get(offer.resource_type, 'This').capitalize()} can help with "
            f"{TYPE_LABELS.get(request.resource_type, 'this')}"
        )
    score = TYPE_WEIGHT * compatibility

    place_score, place_reason = _place(request, offer, neighbours)
    score += place_score
    if place_reason:
        reasons.append(place_reason)

    shared = request.ambition_names & offer.ambition_names
    if request.ambition_names and shared:
        score += AMBITION_WEIGHT * len(shared) / len(request.ambition_names)
        reasons.append(f"Shares the {_names(shared)} Ambition{'s' if len(shared) > 1 else ''}")

    for part in (_dates(request, offer), _quantity(request, offer)):
        score += part[0]
        if part[1]:
            reasons.append(part[1])
    return MatchScore(offer.id, request.id, round(score, 1), tuple(reasons))


def rank_offers(
    request: ListingFacts,
    offers: Iterable[ListingFacts],
    neighbours: Mapping[str, frozenset[str]] | None = None,
    *,
    minimum: float = MIN_SCORE,
) -> list[MatchScore]:
    """Offers worth suggesting for `request`, best first (ties: the older listing first)."""
    scored = [score_match(request, offer, neighbours) for offer in offers]
    kept = [s for s in scored if s.score >= minimum]
    return sorted(kept, key=lambda s: (-s.score, s.offer_id))


def rank_requests(
    offer: ListingFacts,
    requests: Iterable[ListingFacts],
    neighbours: Mapping[str, frozenset[str]] | None = None,
    *,
    minimum: float = MIN_SCORE,
) -> list[MatchScore]:
    """Requests `offer` could meet, best first."""
    scored = [score_match(request, offer, neighbours) for request in requests]
    kept = [s for s in scored if s.score >= minimum]
    return sorted(kept, key=lambda s: (-s.score, s.request_id))


def symmetric_neighbours(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Turn (ward, neighbour) pairs into a lookup that works in both directions."""
    lookup: dict[str, set[str]] = {}
    for first, second in pairs:
        lookup.setdefault(first, set()).add(second)
        lookup.setdefault(second, set()).add(first)
    return {ward: frozenset(near) for ward, near in lookup.items()}
