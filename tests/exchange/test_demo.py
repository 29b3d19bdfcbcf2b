"""The demo seeder fills the exchange across wards, deterministically and idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.demo.people import seed_people_and_organisations
from portal.exchange.demo import seed_demo
from portal.exchange.models import (
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    ExchangeSuggestion,
    Listing,
)
from portal.extensions import db
from portal.orgs.models import KIND_VCSE


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Listing.id))),
        db.session.scalar(select(func.count(ExchangeMatch.id))),
    )


def test_demo_has_open_and_delivered_exchanges_across_wards(client):
    seed_people_and_organisations()
    seed_demo()
    db.session.commit()
    listings = db.session.scalars(select(Listing)).unique().all()
    requests = [item for item in listings if item.side == SIDE_REQUEST]
    assert requests and all(item.organisation.kind == KIND_VCSE for item in requests)
    assert any(item.side == SIDE_OFFER for item in listings)
    assert len({w.name for item in listings for w in item.wards}) >= 10
    delivered = (
        db.session.scalars(select(ExchangeMatch).where(ExchangeMatch.status == MATCH_DELIVERED))
        .unique()
        .all()
    )
    assert len(delivered) >= 3 and all(m.delivered_quantity for m in delivered)
    assert db.session.scalar(select(func.count(ExchangeSuggestion.id))) > 0
    before = counts()
    seed_demo()
    db.session.commit()
    assert counts() == before
    page = client.get("/exchange")
    assert b"Meeting space for our weekly food share" in page.data


def test_the_harehills_request_is_suggested_the_harehills_hall_first():
    seed_people_and_organisations()
    seed_demo()
    db.session.commit()
    need = db.session.scalar(
        select(Listing).where(Listing.title == "Meeting space for our weekly food share")
    )
    from portal.exchange.matching import rank_offers
    from portal.exchange.neighbours import ward_neighbours
    from portal.exchange.suggestions import _open_listings, listing_facts

    ranked = rank_offers(
        listing_facts(need),
        [listing_facts(o) for o in _open_listings(SIDE_OFFER)],
        ward_neighbours(),
    )
    titles = {o.id: o.title for o in _open_listings(SIDE_OFFER)}
    assert titles[ranked[0].offer_id] == "Community hall in Harehills, weekday evenings"
    otley = [i for i, s in enumerate(ranked) if titles[s.offer_id].startswith("College meeting")]
    assert otley and otley[0] > 0
