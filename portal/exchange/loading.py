"""What a list of listings or matches loads: only what its rows show.

A `Listing` eagerly loads its organisation (with the organisation's wards and networks), its wards
and its Ambitions (with their goals) wherever it is read. A row in a list shows the organisation's
name and the listing's area, so lists load those and nothing else: at city scale the rest was most
of each list's queries.
"""

from __future__ import annotations

from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from ..core.models import Ambition
from ..orgs.models import Organisation
from .models import ExchangeMatch, Listing


def _organisation_name() -> _AbstractLoad:
    return joinedload(Listing.organisation).options(
        lazyload(Organisation.wards), lazyload(Organisation.network_memberships)
    )


def listing_rows() -> list[_AbstractLoad]:
    """Options for a select of `Listing` shown as rows (`_listing_summary.html`): organisation
    name and wards (the area); no Ambitions, no organisation wards or networks."""
    # Wards load by their mapper default (selectin); naming them again here made SQLAlchemy
    # rebuild a cache key per row batch (a tenth of a second a page at city scale).
    return [_organisation_name(), lazyload(Listing.ambitions)]


def match_rows() -> list[_AbstractLoad]:
    """Options for a select of `ExchangeMatch` shown as rows (`_match_row.html`): both listings
    and their organisations' names; no wards, Ambitions or networks."""
    return [
        joinedload(side).options(*counterpart_rows())
        for side in (ExchangeMatch.offer, ExchangeMatch.request)
    ]


def listing_page() -> list[_AbstractLoad]:
    """Options for the one listing of its own page: organisation, wards and Ambitions (names),
    without the organisation's wards and networks or the Ambitions' goals."""
    return [
        _organisation_name(),
        selectinload(Listing.wards),
        selectinload(Listing.ambitions).options(lazyload(Ambition.goals)),
    ]


def counterpart_rows() -> list[_AbstractLoad]:
    """Sub-options for a listing reached from a suggestion or match: title and organisation name."""
    return [_organisation_name(), lazyload(Listing.wards), lazyload(Listing.ambitions)]
