"""Each exchange page runs the same number of queries with ten times the listings and matches
(issue 13): lists are paginated, totals are aggregates, and rows load only what they show."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from portal.exchange.models import (
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    ExchangeSuggestion,
)
from portal.exchange.moderation import hide_listing
from portal.extensions import db
from portal.orgs.models import Organisation
from tests.exchange.factories import (
    ListingReportFactory,
    MatchFactory,
    ambition,
    offer,
    request,
    ward,
)
from tests.factories import OrganisationFactory, member_of, platform_admin


def queries_for(client, count_queries, path: str) -> int:
    # Each request starts from an empty identity map, as in production.
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(path)
        assert response.status_code == 200, path
    return counter.count


def assert_flat(client, count_queries, paths: list[str], grow: Callable[[], None]) -> None:
    """The query count of every path is the same before and after `grow()` adds ~10x rows."""
    few = {path: queries_for(client, count_queries, path) for path in paths}
    grow()
    many = {path: queries_for(client, count_queries, path) for path in paths}
    assert many == few


def listings(n: int, organisation: Organisation | None = None) -> None:
    for i in range(n):
        fields = {"organisation": organisation} if organisation else {}
        offer(title=f"Spare room {i}", ward_names=["Armley"], ambition_codes=["HEALTHY"], **fields)
        request(
            title=f"Room needed {i}",
            quantity=10,
            unit="hours",
            ward_names=["Pudsey"],
            ambition_codes=["HEALTHY"],
            **fields,
        )


def test_browse_and_its_filters_keep_their_query_count(client, count_queries):
    listings(2)
    paths = [
        "/exchange",
        "/exchange?q=room",
        "/exchange?side=request&sort=needed_by",
        f"/exchange?ward={ward('Armley').id}&sort=title",
        f"/exchange?ambition={ambition('HEALTHY').id}&sort=closing",
    ]
    assert_flat(client, count_queries, paths, lambda: listings(20))


def organisation_with_matches(n: int, anchor: Organisation) -> None:
    """`n` matches of each kind the organisation's pages show, on both sides."""
    for _ in range(n):
        give = offer(organisation=anchor, ward_names=["Armley"], ambition_codes=["HEALTHY"])
        need = request(organisation=anchor, quantity=5, unit="hours", ward_names=["Pudsey"])
        # Waiting for our answer, waiting for theirs, agreed, delivered (history).
        theirs = request(ward_names=["Armley"])
        MatchFactory(
            offer=give, request=theirs, initiated_by_organisation_id=theirs.organisation_id
        )
        MatchFactory(request=need, initiated_by_organisation_id=anchor.id)
        MatchFactory(request=need, status=MATCH_ACCEPTED, committed_quantity=Decimal(2))
        MatchFactory(
            offer=give,
            status=MATCH_DELIVERED,
            delivered_quantity=Decimal(3),
            delivered_unit="hours",
        )


def test_an_organisations_exchange_and_home_keep_their_query_count(client, login, count_queries):
    anchor = OrganisationFactory()
    login(member_of(anchor))
    organisation_with_matches(1, anchor)
    paths = [f"/orgs/{anchor.id}/exchange", f"/orgs/{anchor.id}"]
    assert_flat(client, count_queries, paths, lambda: organisation_with_matches(10, anchor))


def test_impact_keeps_its_query_count(client, login, count_queries):
    login(platform_admin())
    anchor = OrganisationFactory()
    organisation_with_matches(1, anchor)
    assert_flat(
        client,
        count_queries,
        ["/exchange/impact", f"/exchange/impact?org_kind={anchor.kind}"],
        lambda: organisation_with_matches(10, anchor),
    )


def test_moderation_keeps_its_query_count(client, login, count_queries):
    admin = platform_admin()
    login(admin)

    def reported_and_hidden(n: int) -> None:
        for _ in range(n):
            ListingReportFactory(listing=offer(ward_names=["Armley"]))
            hide_listing(offer(ward_names=["Armley"]), admin, "Spam")
        db.session.commit()

    reported_and_hidden(3)
    assert_flat(
        client, count_queries, ["/exchange/admin/moderation"], lambda: reported_and_hidden(30)
    )


def test_a_listing_page_keeps_its_query_count(client, login, count_queries):
    anchor = OrganisationFactory()
    need = request(organisation=anchor, quantity=50, unit="hours", ward_names=["Pudsey"])

    def matched_and_suggested(n: int) -> None:
        for _ in range(n):
            match = MatchFactory(request=need, status=MATCH_INTERESTED)
            db.session.add(
                ExchangeSuggestion(request_id=need.id, offer_id=match.offer_id, score=1.0)
            )
        db.session.commit()

    matched_and_suggested(1)
    login(member_of(anchor))
    owner = queries_for(client, count_queries, f"/exchange/listings/{need.id}")
    matched_and_suggested(10)
    assert queries_for(client, count_queries, f"/exchange/listings/{need.id}") == owner


def test_moderation_pages_reports_and_hidden_listings_separately(client, login):
    admin = platform_admin()
    login(admin)
    for n in range(23):
        hide_listing(offer(title=f"Hidden offer {n:02d}"), admin, "Spam")
    ListingReportFactory(listing=offer(title="Reported offer"), reason="Looks wrong")
    db.session.commit()
    first = client.get("/exchange/admin/moderation").get_data(as_text=True)
    # Most recently hidden first, 20 to a page; the reports list is unaffected.
    assert "Hidden offer 22" in first and "Hidden offer 03" in first
    assert "Hidden offer 02" not in first
    assert "23 hidden listings" in first and "1 report to review" in first
    assert "hidden_page=2" in first
    second = client.get("/exchange/admin/moderation?hidden_page=2").get_data(as_text=True)
    assert "Hidden offer 02" in second and "Hidden offer 00" in second
    assert "Hidden offer 03" not in second
    assert "Looks wrong" in second


def test_the_home_panel_counts_what_waits_for_the_organisation(client, login):
    anchor = OrganisationFactory()
    login(member_of(anchor))
    organisation_with_matches(2, anchor)
    page = client.get(f"/orgs/{anchor.id}").get_data(as_text=True)
    assert "2 waiting for your answer" in page
    assert "2 agreed, to deliver" in page
