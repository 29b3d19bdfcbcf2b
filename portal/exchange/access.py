"""Who may see a listing and who may act on a match: the policies the exchange views declare."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from flask_login import current_user

from ..extensions import db
from ..orgs.access import current_organisation, is_org_member
from ..orgs.models import Organisation
from .loading import listing_page
from .models import LISTING_MATCHED, LISTING_OPEN, ExchangeMatch, Listing


def visible_listing(listing_id: int) -> Listing:
    """Anyone sees open or matched listings; hidden, paused or closed ones, and those of a
    suspended (or unapproved) organisation, only their owners and platform admins."""
    listing = db.get_or_404(Listing, listing_id, options=listing_page())
    shown = listing.status in (LISTING_OPEN, LISTING_MATCHED) and not listing.is_hidden
    if shown and listing.organisation.can_publish:
        return listing
    if not is_org_member(listing.organisation_id):
        abort(404)
    return listing


@dataclass(frozen=True)
class MatchAccess:
    """A match and the organisation the signed-in person acts for in it (None: a platform admin
    reading it)."""

    match: ExchangeMatch
    party: int | None


@dataclass(frozen=True)
class MatchParty:
    """A match and the one of its two organisations the signed-in person acts for."""

    match: ExchangeMatch
    party: int


def _acting_party(match: ExchangeMatch) -> int | None:
    """Which of the two organisations the signed-in user acts for here (None: neither)."""
    parties = match.party_organisation_ids
    current = current_organisation()
    if current is not None and current.id in parties:
        return current.id
    for organisation_id in parties:
        if current_user.membership_of(organisation_id) is not None:
            return organisation_id
    return None


def paused_by(match: ExchangeMatch) -> Organisation | None:
    """The suspended (or no longer approved) organisation that pauses a match, if any."""
    return next(
        (o for o in (match.offer_organisation, match.request_organisation) if not o.can_publish),
        None,
    )


def paused_message(organisation: Organisation) -> str:
    return (
        f"This exchange is paused while {organisation.name} is suspended: nothing can be sent, "
        "answered or delivered. It carries on as it was if they are reinstated."
    )


def _refuse_if_paused(match: ExchangeMatch) -> None:
    pausing = paused_by(match)
    if pausing is not None:
        abort(403, paused_message(pausing))


def match_party(match_id: int) -> MatchParty:
    """Only members of the two organisations may act on a match, and not while it is paused."""
    match = db.get_or_404(ExchangeMatch, match_id)
    party = _acting_party(match)
    if party is None:
        abort(403, "Only the two organisations in this exchange can do that.")
    _refuse_if_paused(match)
    return MatchParty(match, party)


def match_conversation(match_id: int) -> MatchAccess:
    """The two parties read and write a match's page; platform admins may read it."""
    match = db.get_or_404(ExchangeMatch, match_id)
    party = _acting_party(match)
    if party is None and not current_user.is_platform_admin:
        abort(403, "Only the two organisations in this exchange can see it.")
    if party is None and request.method == "POST":
        abort(403, "Only the two organisations in this exchange can do that.")
    if request.method == "POST":
        _refuse_if_paused(match)
    return MatchAccess(match, party)


def match_responder(match_id: int) -> MatchParty:
    """Only the organisation that was asked may accept or decline."""
    access = match_party(match_id)
    if access.party != access.match.responder_organisation_id:
        abort(403, "Only the organisation that was asked can answer.")
    return access
