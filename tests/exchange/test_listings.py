"""Publishing, editing, pausing and closing listings; bad input; who may do what."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditLog
from portal.exchange.models import (
    LISTING_CLOSED,
    LISTING_OPEN,
    LISTING_PAUSED,
    ExchangeSuggestion,
    Listing,
)
from portal.extensions import db
from portal.orgs.models import STATUS_PENDING
from tests.exchange.factories import count_listings, listing_data, offer, request
from tests.factories import OrganisationFactory, member_of, platform_admin, vcse


def test_a_member_publishes_a_request_and_sees_it(client, login):
    group = vcse()
    login(member_of(group))
    response = client.post(
        f"/orgs/{group.id}/exchange/request/new",
        data=listing_data(quantity="40", unit="hours", needed_by=["1", "3", "2030"]),
    )
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert (listing.side, listing.status, listing.urgency) == ("request", LISTING_OPEN, "high")
    assert [w.name for w in listing.wards] == ["Gipton & Harehills"]
    assert str(listing.quantity) == "40.00" and listing.unit == "hours"
    page = client.get(response.headers["Location"])
    assert b"Meeting room for 20 people" in page.data
    assert b"is published" in page.data
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "exchange.request_created"))


def test_a_new_offer_gets_ranked_suggestions_from_the_background_job(client, login, run_jobs):
    need = request(resource_type="space", ward_names=["Gipton & Harehills"])
    anchor = OrganisationFactory()
    login(member_of(anchor))
    response = client.post(f"/orgs/{anchor.id}/exchange/offer/new", data=listing_data(urgency=None))
    assert response.status_code == 302
    run_jobs()
    db.session.expire_all()
    suggestion = db.session.scalar(select(ExchangeSuggestion))
    assert suggestion is not None and suggestion.request_id == need.id
    assert "Serves Gipton & Harehills, where it is needed" in suggestion.reasons
    # The request's owner sees the suggestion with its reasons.
    client.post("/sign-out")
    login(member_of(need.organisation))
    page = client.get(f"/exchange/listings/{need.id}")
    assert b"Suggested matches" in page.data
    assert b"Serves Gipton &amp; Harehills, where it is needed" in page.data


def test_bad_input_shows_field_messages_and_saves_nothing(client, login):
    group = vcse()
    login(member_of(group))
    cases = [
        ({"title": ""}, b"Enter a title"),
        ({"title": "x" * 121}, b"Title must be between 5 and 120 characters"),
        ({"resource_type": "spaceship"}, b"Choose from the options given"),
        ({"quantity": "lots", "unit": "hours"}, b"Quantity must be a number"),
        ({"quantity": "1e400", "unit": "hours"}, b"Quantity must be less than 10,000,000,000"),
        ({"quantity": "-4", "unit": "hours"}, b"Quantity must be greater than 0"),
        ({"quantity": "12"}, b"Enter the unit of the quantity"),
        ({"wards": []}, b"Choose at least one ward"),
        ({"wards": ["999999"]}, b"Choose from the options given"),
        (
            {"needed_by": ["31", "2", "2027"]},
            b"must be a real date",
        ),
        ({"description": "y" * 3001}, b"Description must be 3,000 characters or fewer"),
        ({"urgency": ""}, b"Choose how urgent it is"),
    ]
    for overrides, message in cases:
        response = client.post(
            f"/orgs/{group.id}/exchange/request/new", data=listing_data(**overrides)
        )
        assert response.status_code == 200, overrides
        assert message in response.data, (overrides, message)
        assert b"govuk-error-summary" in response.data
    assert count_listings() == 0


def test_offer_dates_must_be_in_order(client, login):
    anchor = OrganisationFactory()
    login(member_of(anchor))
    response = client.post(
        f"/orgs/{anchor.id}/exchange/offer/new",
        data=listing_data(available_from=["10", "5", "2027"], available_until=["1", "5", "2027"]),
    )
    assert b"must be the same as or after" in response.data
    assert count_listings() == 0


def test_pending_organisations_cannot_publish(client, login):
    pending = OrganisationFactory(status=STATUS_PENDING)
    login(member_of(pending))
    assert client.get(f"/orgs/{pending.id}/exchange/offer/new").status_code == 403
    assert (
        client.post(f"/orgs/{pending.id}/exchange/offer/new", data=listing_data()).status_code
        == 403
    )
    assert count_listings() == 0


def test_members_of_another_organisation_cannot_publish_or_edit(client, login):
    theirs = offer(title="Their venue offer")
    login(member_of(OrganisationFactory()))
    org_id = theirs.organisation_id
    assert client.get(f"/orgs/{org_id}/exchange").status_code == 403
    assert client.post(f"/orgs/{org_id}/exchange/offer/new", data=listing_data()).status_code == 403
    edit = f"/orgs/{org_id}/exchange/listings/{theirs.id}/edit"
    assert client.post(edit, data=listing_data(title="Hijacked")).status_code == 403
    assert client.post(f"/orgs/{org_id}/exchange/listings/{theirs.id}/close").status_code == 403
    db.session.expire_all()
    assert theirs.title == "Their venue offer" and theirs.status == LISTING_OPEN


def test_a_listing_cannot_be_edited_through_another_organisations_url(client, login):
    theirs = offer()
    mine = OrganisationFactory()
    login(member_of(mine))
    url = f"/orgs/{mine.id}/exchange/listings/{theirs.id}/edit"
    assert client.get(url).status_code == 404
    assert client.post(f"/orgs/{mine.id}/exchange/listings/{theirs.id}/close").status_code == 404


def test_owner_edits_pauses_reopens_and_closes(client, login):
    listing = offer(title="Laptops to give away", resource_type="digital", citywide=True)
    login(member_of(listing.organisation))
    base = f"/orgs/{listing.organisation_id}/exchange/listings/{listing.id}"
    page = client.get(base + "/edit")
    assert b"Laptops to give away" in page.data
    response = client.post(
        base + "/edit",
        data=listing_data(
            resource_type="digital",
            title="Ten laptops to give away",
            citywide="y",
            wards=[],
            quantity="10",
            unit="laptops",
        ),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert listing.title == "Ten laptops to give away" and listing.quantity_label == "10 laptops"
    for change, status in (
        ("pause", LISTING_PAUSED),
        ("reopen", LISTING_OPEN),
        ("close", LISTING_CLOSED),
    ):
        assert client.post(f"{base}/{change}").status_code == 302
        db.session.expire_all()
        assert listing.status == status
    # Closed listings leave the exchange; their owner still sees them.
    assert f'href="/exchange/listings/{listing.id}"'.encode() not in client.get("/exchange").data
    assert client.get(f"/exchange/listings/{listing.id}").status_code == 200
    client.post("/sign-out")
    assert client.get(f"/exchange/listings/{listing.id}").status_code == 404


def test_the_exchange_needs_csrf(client, login):
    group = vcse()
    login(member_of(group))
    response = client.post(
        f"/orgs/{group.id}/exchange/request/new", data=listing_data(), csrf=False
    )
    assert response.status_code == 400
    assert count_listings() == 0


def test_listing_creation_is_rate_limited(app, client, login):
    group = vcse()
    login(member_of(group))
    app.config["EXCHANGE_LISTING_RATE_LIMIT"] = "2 per hour"
    try:
        codes = [
            client.post(
                f"/orgs/{group.id}/exchange/request/new", data=listing_data(title=f"Need {n} now")
            ).status_code
            for n in range(3)
        ]
    finally:
        del app.config["EXCHANGE_LISTING_RATE_LIMIT"]
    assert codes == [302, 302, 429]
    assert count_listings() == 2


def test_user_text_is_escaped(client, login):
    listing = offer(title="<script>alert(1)</script> venue", description="<b>bold</b>")
    page = client.get(f"/exchange/listings/{listing.id}")
    assert b"<script>alert(1)</script>" not in page.data
    assert b"&lt;script&gt;" in page.data
    assert b"&lt;b&gt;bold&lt;/b&gt;" in page.data


def test_my_exchange_lists_the_organisations_own_listings(client, login):
    listing = request(title="Volunteers for our food bank")
    other = offer(title="Someone else's offer")
    login(member_of(listing.organisation))
    page = client.get(f"/orgs/{listing.organisation_id}/exchange")
    assert page.status_code == 200
    assert b"Volunteers for our food bank" in page.data
    assert other.title.encode() not in page.data
    home = client.get(f"/orgs/{listing.organisation_id}")
    assert b"Resource exchange" in home.data


def test_platform_admin_sees_any_organisations_exchange(client, login):
    listing = request()
    login(platform_admin())
    assert client.get(f"/orgs/{listing.organisation_id}/exchange").status_code == 200


def test_public_profile_lists_open_listings_only(client):
    listing = offer(title="Open hall offer")
    offer(organisation=listing.organisation, title="Closed laptop offer", status=LISTING_CLOSED)
    page = client.get(f"/organisations/{listing.organisation_id}")
    assert b"On the resource exchange" in page.data
    assert b"Open hall offer" in page.data and b"Closed laptop offer" not in page.data
