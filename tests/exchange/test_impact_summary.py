"""The impact page's stored figures stay what the listings and matches say after every kind of
change, whichever way it is made; the unfiltered page shows them as the live queries would, and
`flask exchange refresh-impact` rebuilds them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from portal.core.models import Ambition, utcnow
from portal.exchange.impact import ambition_impact, delivered_totals, stored_impact
from portal.exchange.impact_summary import refresh_impact
from portal.exchange.listings import change_listing_status, expire_stale_listings, update_listing
from portal.exchange.matches import accept_match, deliver_match
from portal.exchange.models import (
    LISTING_OPEN,
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    ExchangeImpactFigure,
)
from portal.exchange.moderation import hide_listing, restore_listing
from portal.extensions import db
from portal.orgs.models import STATUS_APPROVED, STATUS_SUSPENDED
from portal.orgs.services import set_organisation_status
from tests.exchange.factories import MatchFactory, ambition, listing_data, offer, request
from tests.factories import OrganisationFactory, member_of, platform_admin


def _ambitions() -> list[Ambition]:
    return list(db.session.scalars(select(Ambition).order_by(Ambition.position)))


def _figures(impacts, overall) -> tuple:
    return (
        [
            (i.ambition.id, i.open_requests, i.open_offers, i.delivered_matches, i.totals)
            for i in impacts
        ],
        overall,
    )


def assert_stored_is_the_facts() -> None:
    """What the page reads unfiltered equals the live grouped queries over every row."""
    db.session.expire_all()
    ambitions = _ambitions()
    live = _figures(ambition_impact(ambitions), delivered_totals())
    assert _figures(*stored_impact(ambitions)) == live


def delivered(codes: list[str], amount: str, unit: str = "hours", **offer_fields):
    match = MatchFactory(
        offer=offer(**offer_fields),
        request=request(ambition_codes=codes),
        status=MATCH_DELIVERED,
        delivered_quantity=Decimal(amount),
        delivered_unit=unit,
        delivered_at=utcnow(),
    )
    db.session.commit()
    return match


def test_new_listings_and_deliveries_are_counted_as_they_happen():
    request(ambition_codes=["HEALTHY"])
    offer(ambition_codes=["HEALTHY", "THRIVING"])
    delivered(["HEALTHY"], "12")
    delivered(["THRIVING"], "1500", unit="£", resource_type="funding")
    assert_stored_is_the_facts()
    impacts, overall = stored_impact([ambition("HEALTHY")])
    assert (impacts[0].open_requests, impacts[0].open_offers) == (2, 1)
    assert impacts[0].delivered_matches == 1
    assert impacts[0].totals == [("volunteer_time", "hours", Decimal("12"))]
    assert ("funding", "£", Decimal("1500")) in overall


def test_owner_edits_status_changes_and_retagging_move_the_figures():
    owner = member_of()
    listing = request(organisation=owner.memberships[0].organisation, ambition_codes=["HEALTHY"])
    assert_stored_is_the_facts()
    change_listing_status(listing, "pause", owner)
    db.session.commit()
    assert_stored_is_the_facts()
    assert stored_impact([ambition("HEALTHY")])[0][0].open_requests == 0
    change_listing_status(listing, "reopen", owner)
    db.session.commit()
    assert_stored_is_the_facts()
    # Retagged from one Ambition to another: the first loses it, the second gains it.
    data = listing_data(
        ambitions=[ambition("RESILIENT").id],
        wards=[w.id for w in listing.wards],
        quantity=None,
        version=listing.version,
    )
    update_listing(listing, data, owner)
    db.session.commit()
    assert_stored_is_the_facts()
    impacts, _ = stored_impact([ambition("HEALTHY"), ambition("RESILIENT")])
    assert [i.open_requests for i in impacts] == [0, 1]
    change_listing_status(listing, "close", owner)
    db.session.commit()
    assert_stored_is_the_facts()


def test_hiding_and_restoring_a_listing():
    admin = platform_admin()
    listing = offer(ambition_codes=["THRIVING"])
    hide_listing(listing, admin, "Spam")
    db.session.commit()
    assert_stored_is_the_facts()
    assert stored_impact([ambition("THRIVING")])[0][0].open_offers == 0
    restore_listing(listing, admin)
    db.session.commit()
    assert_stored_is_the_facts()
    assert stored_impact([ambition("THRIVING")])[0][0].open_offers == 1


def test_the_expiry_job_closes_listings_out_of_the_figures():
    stale = request(ambition_codes=["HEALTHY"])
    stale.expires_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert stored_impact([ambition("HEALTHY")])[0][0].open_requests == 1
    expire_stale_listings(utcnow().date())
    db.session.commit()
    assert_stored_is_the_facts()
    assert stored_impact([ambition("HEALTHY")])[0][0].open_requests == 0


def test_delivering_a_match_through_the_service():
    giver = member_of()
    need = request(ambition_codes=["HEALTHY"])
    match = MatchFactory(
        offer=offer(organisation=giver.memberships[0].organisation),
        request=need,
        status=MATCH_INTERESTED,
        initiated_by_organisation_id=giver.memberships[0].organisation_id,
    )
    db.session.commit()
    accept_match(match, member_of(need.organisation))
    db.session.commit()
    assert match.status == MATCH_ACCEPTED
    assert stored_impact([ambition("HEALTHY")])[0][0].delivered_matches == 0
    deliver_match(match, Decimal("7.5"), "hours", giver, giver.memberships[0].organisation_id)
    db.session.commit()
    assert_stored_is_the_facts()
    impacts, overall = stored_impact([ambition("HEALTHY")])
    assert impacts[0].totals == [("volunteer_time", "hours", Decimal("7.5"))]
    assert overall == [("volunteer_time", "hours", Decimal("7.5"))]


def test_editing_a_delivered_offer_keeps_what_was_delivered():
    match = delivered(["HEALTHY"], "3")
    match.delivered_resource_type = None  # delivered before the type was kept: the offer's counts
    db.session.commit()
    assert_stored_is_the_facts()
    match.offer.resource_type = "skills"
    db.session.commit()
    assert_stored_is_the_facts()
    assert stored_impact([])[1] == [("skills", "hours", Decimal("3"))]


def test_retagging_a_delivered_request_moves_its_delivery_between_ambitions():
    match = delivered(["HEALTHY"], "6")
    match.request.ambitions = [ambition("THRIVING")]
    db.session.commit()
    assert_stored_is_the_facts()
    impacts, _ = stored_impact([ambition("HEALTHY"), ambition("THRIVING")])
    assert [i.delivered_matches for i in impacts] == [0, 1]


def test_suspending_an_organisation_takes_its_figures_out_and_reinstating_restores_them():
    anchor = OrganisationFactory()
    request(organisation=anchor, ambition_codes=["HEALTHY"])
    delivered(["HEALTHY"], "5", organisation=anchor)
    before = _figures(*stored_impact(_ambitions()))
    set_organisation_status(anchor, STATUS_SUSPENDED)
    db.session.commit()
    assert_stored_is_the_facts()
    impacts, overall = stored_impact([ambition("HEALTHY")])
    assert (impacts[0].open_requests, impacts[0].delivered_matches, overall) == (1, 0, [])
    set_organisation_status(anchor, STATUS_APPROVED)
    db.session.commit()
    assert_stored_is_the_facts()
    assert _figures(*stored_impact(_ambitions())) == before


def test_a_rolled_back_change_leaves_the_figures_as_they_were():
    listing = request(ambition_codes=["HEALTHY"])
    listing.status = "paused"
    db.session.flush()
    assert stored_impact([ambition("HEALTHY")])[0][0].open_requests == 0
    db.session.rollback()
    assert stored_impact([ambition("HEALTHY")])[0][0].open_requests == 1
    assert listing.status == LISTING_OPEN


def test_refresh_impact_command_rebuilds_figures_written_around_the_session(app):
    delivered(["HEALTHY", "THRIVING"], "4")
    request(ambition_codes=["RESILIENT"])
    # Raw SQL (a bulk load, a lost row) bypasses the flush listener.
    db.session.execute(delete(ExchangeImpactFigure))
    db.session.commit()
    assert stored_impact(_ambitions())[1] == []
    result = app.test_cli_runner().invoke(args=["exchange", "refresh-impact"])
    assert result.exit_code == 0, result.output
    assert "Recomputed" in result.output
    assert_stored_is_the_facts()


def test_refreshing_one_ambition_leaves_the_others_alone():
    delivered(["HEALTHY"], "2")
    delivered(["THRIVING"], "3")
    everything = _figures(*stored_impact(_ambitions()))
    refresh_impact([ambition("HEALTHY").id], every=False)
    db.session.commit()
    assert _figures(*stored_impact(_ambitions())) == everything


def test_the_unfiltered_page_shows_the_same_figures_as_a_filtered_any_time_page(client, login):
    delivered(["HEALTHY"], "12")
    delivered(["HEALTHY", "THRIVING"], "8.5")
    delivered(["RESILIENT"], "1500", unit="£", resource_type="funding")
    request(ambition_codes=["HEALTHY"])
    login(platform_admin())
    stored = client.get("/exchange/impact").data.decode()
    # Any organisation kind that every organisation here has forces the live queries.
    live = client.get(f"/exchange/impact?org_kind={OrganisationFactory().kind}").data.decode()
    table = stored.split("<main")[1].split("All exchanges")[1].split("</table>")[0]
    assert "20.50 hours" in stored and "£1,500" in table
    assert table == live.split("<main")[1].split("All exchanges")[1].split("</table>")[0]


def test_the_unfiltered_page_reads_no_listing_or_match(client, login, count_queries):
    """Its cost cannot grow with the exchange: no query touches the listings or matches."""
    delivered(["HEALTHY"], "12")
    request(ambition_codes=["HEALTHY"])
    login(platform_admin())
    db.session.expire_all()
    with count_queries() as counter:
        page = client.get("/exchange/impact")
    assert page.status_code == 200 and b"12 hours" in page.data
    read = " ".join(counter.statements)
    assert "exchange_impact_figures" in read
    assert "exchange_listings" not in read and "exchange_matches" not in read
