"""Delivered resource exchanges that an organisation counts towards its pledges.

Only the offering organisation may link a match, only once it is delivered, and each match to
one pledge (a unique `match_id`), so a delivery is never counted twice. A link counts at most
what was delivered, converted into the pledge measure's unit, and only when the two units
measure the same thing (hours with hours, £ with gbp).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, select

from ..exchange.impact import delivered_matches_for_organisation
from ..exchange.models import MATCH_DELIVERED, ExchangeMatch
from ..extensions import db
from .models import Pledge, PledgeExchangeLink, SocialValueMeasure
from .services import record_pledge_change

EXCHANGE_NOTE = "Delivered through the resource exchange"

# The words people type as an exchange unit, and the measure unit each counts as (with the
# factor that converts it). A unit not listed here counts towards no measure.
EXCHANGE_UNITS: dict[str, tuple[str, Decimal]] = {
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h", "volunteer hours"), ("hours", Decimal(1))),
    **dict.fromkeys(("£", "gbp", "pounds", "pound", "£s"), ("gbp", Decimal(1))),
    **dict.fromkeys(("tonnes", "tonne", "t"), ("tonnes", Decimal(1))),
    **dict.fromkeys(("kg", "kilograms", "kilogram", "kilos"), ("tonnes", Decimal("0.001"))),
    **dict.fromkeys(("tco2e", "tonnes co2e"), ("tco2e", Decimal(1))),
    **dict.fromkeys(("people", "person"), ("people", Decimal(1))),
    **dict.fromkeys(("weeks", "week"), ("weeks", Decimal(1))),
}


class LinkError(Exception):
    """A link refused for a reason the person can act on."""


def countable_quantity(
    delivered: Decimal | None, delivered_unit: str, measure_unit: str
) -> Decimal | None:
    """What a delivery can count for in a measure's unit; None when the units do not match."""
    if delivered is None:
        return None
    known = EXCHANGE_UNITS.get(delivered_unit.strip().lower())
    if known is None or known[0] != measure_unit:
        return None
    return delivered * known[1]


def countable_quantity_sql(delivered: Any, delivered_unit: Any, measure_unit: Any) -> Any:
    """`countable_quantity` in SQL: null when the units do not match (or nothing was given)."""
    by_unit: dict[tuple[str, Decimal], list[str]] = {}
    for word, known in EXCHANGE_UNITS.items():
        by_unit.setdefault(known, []).append(word)
    typed = func.lower(func.trim(delivered_unit))
    return case(
        *(
            (and_(typed.in_(words), measure_unit == unit), delivered * factor)
            for (unit, factor), words in by_unit.items()
        ),
        else_=None,
    )


def _amount(quantity: Decimal, measure: SocialValueMeasure) -> str:
    amount = f"{float(quantity):,.3f}".rstrip("0").rstrip(".")
    return f"£{amount}" if measure.unit == "gbp" else f"{amount} {measure.unit_label}"


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
            ExchangeMatch.delivered_quantity,
            ExchangeMatch.delivered_unit,
            SocialValueMeasure.unit,
        )
        .join(ExchangeMatch, PledgeExchangeLink.match_id == ExchangeMatch.id)
        .join(Pledge, PledgeExchangeLink.pledge_id == Pledge.id)
        .join(SocialValueMeasure, Pledge.measure_id == SocialValueMeasure.id)
        .where(
            PledgeExchangeLink.pledge_id.in_(pledge_ids),
            ExchangeMatch.status == MATCH_DELIVERED,
            ExchangeMatch.delivered_at.is_not(None),
        )
    )
    for pledge_id, quantity, linked_at, delivered_at, delivered, unit, measure_unit in rows:
        assert delivered_at is not None  # the query keeps only delivered matches
        result.setdefault(pledge_id, []).append(
            link_delivery(quantity, linked_at, delivered_at, delivered, unit, measure_unit)
        )
    return result


def link_delivery(
    quantity: Decimal,
    linked_at: datetime,
    delivered_at: datetime,
    delivered: Decimal | None,
    delivered_unit: str | None,
    measure_unit: str,
) -> Any:
    """A linked delivered exchange as a `services.Delivery`, on the day it was delivered."""
    from .services import Delivery

    # A link made before links were checked never counts more than was delivered.
    most = countable_quantity(delivered, delivered_unit or "", measure_unit)
    quantity = min(quantity, most) if most is not None else quantity
    return Delivery(delivered_at.date(), quantity, linked_at.date(), EXCHANGE_NOTE)


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
    measure = pledge.measure
    most = countable_quantity(match.delivered_quantity, match.delivered_unit, measure.unit)
    if most is None:
        raise LinkError(
            f"That exchange was delivered in {match.delivered_unit or 'no unit'}, which cannot "
            f"count towards a pledge measured in {measure.unit_label}. Choose an exchange "
            f"delivered in {measure.unit_label}"
        )
    if quantity > most:
        raise LinkError(
            f"That exchange delivered {match.delivered_label}, so it can count for at most "
            f"{_amount(most, measure)} towards this pledge"
        )
    link = PledgeExchangeLink(
        pledge_id=pledge.id, match_id=match.id, quantity=quantity, linked_by_id=user_id
    )
    db.session.add(link)
    record_pledge_change(
        pledge,
        "pledge.exchange_linked",
        f"Exchange {match.id} counted towards {pledge.title}: {_amount(quantity, measure)}",
        changes={f"exchange {match.id} counted": (None, quantity)},
        details={
            "match_id": match.id,
            "quantity": str(quantity),
            "delivered": str(match.delivered_quantity),
            "delivered_unit": match.delivered_unit,
        },
    )
    return link


def unlink_exchange(link: PledgeExchangeLink) -> None:
    """Stop counting a linked exchange (it can then be linked to another pledge)."""
    pledge = link.pledge
    db.session.delete(link)
    record_pledge_change(
        pledge,
        "pledge.exchange_unlinked",
        f"Exchange {link.match_id} no longer counts towards {pledge.title}",
        changes={f"exchange {link.match_id} counted": (link.quantity, None)},
        details={"match_id": link.match_id},
    )
