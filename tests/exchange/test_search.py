"""Keyword search over title and description, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal.exchange.listings import browse_query
from portal.exchange.models import Listing
from portal.exchange.search import keyword_condition
from portal.extensions import db
from tests.conftest import BACKEND
from tests.exchange.factories import offer, request
from tests.factories import OrganisationFactory, vcse


def search(**filters) -> list[str]:
    return [item.title for item in db.session.scalars(browse_query(**filters))]


def test_keywords_match_title_or_description_and_all_words_must_appear():
    offer(title="Meeting room in Harehills", description="Seats twenty people")
    offer(title="Spare laptops", description="Ten refurbished laptops for a community room")
    request(title="Volunteers for a food bank", description="Saturday mornings in Gipton")
    assert sorted(search(q="room")) == ["Meeting room in Harehills", "Spare laptops"]
    assert search(q="laptops community") == ["Spare laptops"]
    assert search(q="GIPTON") == ["Volunteers for a food bank"]
    assert search(q="room gipton") == []
    assert len(search(q="   ")) == 3  # a blank search lists everything
    assert len(search(q="%")) == 3  # punctuation only: no filter, never an error


def test_percent_and_underscore_are_taken_literally():
    offer(title="Discount 50% off venue hire")
    offer(title="Venue hire at full price")
    if BACKEND == "sqlite":
        assert search(q="50%") == ["Discount 50% off venue hire"]


def test_filters_combine_with_search(client):
    group = vcse()
    anchor = OrganisationFactory()
    request(organisation=group, title="Need a room", resource_type="space", citywide=True)
    offer(
        organisation=anchor,
        title="A room to offer",
        resource_type="space",
        ward_names=["Armley"],
        ambition_codes=["HEALTHY"],
    )
    offer(
        organisation=anchor, title="Funding pot", resource_type="funding", ward_names=["Wetherby"]
    )
    assert search(side="offer", q="room") == ["A room to offer"]
    assert search(kind="vcse") == ["Need a room"]
    assert sorted(search(resource_type="space")) == ["A room to offer", "Need a room"]
    from tests.exchange.factories import ambition, ward

    # A citywide listing serves every ward.
    assert sorted(search(ward_id=ward("Armley").id)) == ["A room to offer", "Need a room"]
    assert search(ambition_id=ambition("HEALTHY").id) == ["A room to offer"]
    page = client.get("/exchange?q=room&side=offer")
    assert b"A room to offer" in page.data and b"Funding pot" not in page.data
    assert b"1 open listing" in page.data


def test_browse_shows_an_empty_state_and_survives_bad_filters(client):
    page = client.get("/exchange?ward=notanumber&ambition=99999999999&sort=sideways&q=" + "x" * 500)
    assert page.status_code == 200
    assert b"No listings match" in page.data or b"Search must be 100 characters" in page.data


def test_sorting(client):
    offer(title="Bravo offer")
    offer(title="Alpha offer")
    assert search(sort="title") == ["Alpha offer", "Bravo offer"]
    assert search(sort="newest") == ["Alpha offer", "Bravo offer"]


@pytest.mark.postgres
def test_postgres_full_text_search_stems_words_and_uses_the_gin_index():
    offer(title="Volunteering with gardening", description="Our team gardens on Fridays")
    offer(title="Cooking classes", description="Learn to cook on a budget")
    # Stemming: "volunteer" finds "Volunteering", "garden" finds "gardening".
    assert search(q="volunteer garden") == ["Volunteering with gardening"]
    assert search(q="cooks") == ["Cooking classes"]
    indexdef = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_exchange_listings_search'")
    )
    assert "gin" in indexdef and "to_tsvector" in indexdef
    # With sequential scans off, the planner must be able to use the GIN index for a search.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    condition = keyword_condition("volunteer", "postgresql")
    sql = (
        select(Listing.id)
        .where(condition)
        .compile(db.engine, compile_kwargs={"literal_binds": True})
    )
    plan = "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
    assert "ix_exchange_listings_search" in plan, plan


@pytest.mark.postgres
def test_postgres_search_understands_the_search_box_syntax():
    offer(title="Meeting room in Harehills", description="Seats twenty people")
    offer(title="Room for a meeting", description="Small, in Armley")
    offer(title="Spare laptops", description="Ten refurbished laptops")
    # "Quoted words" are a phrase, -word excludes, "or" widens; odd syntax never raises.
    assert search(q='"meeting room"') == ["Meeting room in Harehills"]
    assert search(q="room -armley") == ["Meeting room in Harehills"]
    assert sorted(search(q="laptops or armley")) == ["Room for a meeting", "Spare laptops"]
    assert len(search(q='room & ! ( "')) == 2


def test_browse_count_uses_the_capped_count(client):
    for n in range(3):
        offer(title=f"Offer {n}")
    assert "3 open listings" in client.get("/exchange").get_data(as_text=True)
