"""Delivered resource exchanges that an organisation counts towards its pledges.

Only the offering organisation may link a match, only once it is delivered, and each match to
one pledge (a unique `match_id`), so a delivery is never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from ..core import audit
from ..core.models import utcnow
from ..exchange.impact import delivered_matches_for_organisation
from ..exchange.models import MATCH_DELIVERED, ExchangeMatch
from ..extensions import db
from .models import Pledge, PledgeExchangeLink

EXCHANGE_NOTE = "Delivered through the resource exchange"


class LinkError(Exception):
    """A link refused for a reason the person can act on."""


def linked_deliveries(pledge_ids: Sequence[int]) -> dict[int, list]:
    """Deliveries from linked, still-delivered exchanges, keyed by pledge id (one query)."""
    from .services import Delivery

    result: dict[int, list[Delivery]] = {}
    if not pledge_ids:
        return result
    rows = db.session.execute(
        select(
            PledgeExchangeLink.pledge_id,
            PledgeExchangeLink.quantity,
            PledgeExchangeLink.linked_at,
            ExchangeMatch.delivered_at,
        )
        .join(ExchangeMatch, PledgeExchangeLink.match_id == ExchangeMatch.id)
        .where(
            PledgeExchangeLink.pledge_id.in_(pledge_ids),
            ExchangeMatch.status == MATCH_DELIVERED,
            ExchangeMatch.delivered_at.is_not(None),
        )
    )
    for pledge_id, quantity, linked_at, delivered_at in rows:
        assert delivered_at is not None  # the query keeps only delivered matches
        result.setdefault(pledge_id, []).append(
            Delivery(delivered_at.date(), quantity, linked_at.date(), EXCHANGE_NOTE)
        )
    return result


def links_for_pledge(pledge_id: int) -> list[PledgeExchangeLink]:
    return list(
        db.session.scalars(
            select(PledgeExchangeLink)
            .where(PledgeExchangeLink.pledge_id == pledge_id)
            .order_by(PledgeExchangeLink.linked_at)
        ).unique()
    )


def linkable_matches(organisation_id: int) -> list[ExchangeMatch]:
    """Delivered matches the organisation offered that no pledge counts yet."""
    linked = set(db.session.scalars(select(PledgeExchangeLink.match_id)))
    return [m for m in delivered_matches_for_organisation(organisation_id) if m.id not in linked]


def link_exchange(
    pledge: Pledge, match: ExchangeMatch, quantity: Decimal, user_id: int | None
) -> PledgeExchangeLink:
    """Count a delivered exchange towards `pledge`; refuses anything that would double count."""
    if match.status != MATCH_DELIVERED or match.delivered_at is None:
        raise LinkError("Choose an exchange that has been delivered")
    if match.offer_organisation_id != pledge.organisation_id:
        raise LinkError("Choose an exchange your organisation delivered")
    if match.delivered_at.date() < pledge.start_date:
        raise LinkError("That exchange was delivered before this pledge started")
    taken = db.session.scalar(
        select(PledgeExchangeLink).where(PledgeExchangeLink.match_id == match.id)
    )
    if taken is not None:
        raise LinkError("That exchange already counts towards a pledge")
    link = PledgeExchangeLink(
        pledge_id=pledge.id, match_id=match.id, quantity=quantity, linked_by_id=user_id
    )
    db.session.add(link)
    pledge.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "pledge.exchange_linked",
        pledge,
        summary=f"Exchange {match.id} counted towards {pledge.title}: {quantity}",
        organisation_id=pledge.organisation_id,
        details={"match_id": match.id, "quantity": str(quantity)},
    )
    return link


def unlink_exchange(link: PledgeExchangeLink) -> None:
    """Stop counting a linked exchange (it can then be linked to another pledge)."""
    pledge = link.pledge
    db.session.delete(link)
    db.session.flush()
    audit.record(
        "pledge.exchange_unlinked",
        pledge,
        summary=f"Exchange {link.match_id} no longer counts towards {pledge.title}",
        organisation_id=pledge.organisation_id,
        details={"match_id": link.match_id},
    )
