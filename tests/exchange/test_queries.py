"""List pages keep a flat number of queries as rows grow (no N+1)."""

from __future__ import annotations

from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, member_of


def make_listings(count: int) -> None:
    for n in range(count):
        offer(title=f"Offer {n}", ward_names=["Armley"], ambition_codes=["HEALTHY"])
        request(title=f"Request {n}", quantity=10, unit="hours", ward_names=["Pudsey"])


def queries_for(client, count_queries, path: str) -> int:
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    return counter.count


def test_browse_query_count_is_flat(client, count_queries):
    make_listings(2)
    few = queries_for(client, count_queries, "/exchange")
    make_listings(8)
    many = queries_for(client, count_queries, "/exchange")
    assert many <= few
    assert many <= 15


def test_my_exchange_query_count_is_flat(client, login, count_queries):
    anchor = OrganisationFactory()
    user = member_of(anchor)
    login(user)

    def add(n: int) -> None:
        for _ in range(n):
            give = offer(organisation=anchor, ward_names=["Armley"])
            MatchFactory(offer=give, initiated_by_organisation_id=anchor.id)

    add(2)
    few = queries_for(client, count_queries, f"/orgs/{anchor.id}/exchange")
    add(8)
    many = queries_for(client, count_queries, f"/orgs/{anchor.id}/exchange")
    assert many <= few + 2, (few, many)
