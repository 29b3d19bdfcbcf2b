"""Issue 10, item 6: listing dates are sane for what they mean, and partial dates are errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.core.models import utcnow
from portal.exchange.models import LISTING_OPEN, LISTING_PAUSED, Listing
from portal.extensions import db
from tests.exchange.factories import count_listings, listing_data, offer, request
from tests.factories import OrganisationFactory, member_of, vcse


def as_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def test_a_request_needed_by_a_past_date_is_not_published(client, login):
    group = vcse()
    login(member_of(group))
    response = client.post(
        f"/orgs/{group.id}/exchange/request/new",
        data=listing_data(needed_by=["1", "1", "2020"]),
    )
    assert response.status_code == 200
    assert "&#39;Needed by&#39; must be today or in the future" in response.get_data(as_text=True)
    assert count_listings() == 0


def test_an_offer_available_until_a_past_date_is_not_published(client, login):
    anchor = OrganisationFactory()
    login(member_of(anchor))
    yesterday = utcnow().date() - timedelta(days=1)
    response = client.post(
        f"/orgs/{anchor.id}/exchange/offer/new",
        data=listing_data(available_until=as_parts(yesterday)),
    )
    assert response.status_code == 200
    assert "must be today or in the future" in response.get_data(as_text=True)
    assert count_listings() == 0


def test_today_and_later_are_fine(client, login):
    group = vcse()
    login(member_of(group))
    response = client.post(
        f"/orgs/{group.id}/exchange/request/new",
        data=listing_data(needed_by=as_parts(utcnow().date())),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Listing)).needed_by == utcnow().date()


@pytest.mark.parametrize(
    ("side", "field"),
    [("request", "needed_by"), ("offer", "available_until"), ("offer", "available_from")],
)
def test_a_month_and_year_without_a_day_is_an_error_not_dropped(client, login, side, field):
    organisation = vcse()
    login(member_of(organisation))
    next_year = str(utcnow().year + 1)
    response = client.post(
        f"/orgs/{organisation.id}/exchange/{side}/new",
        data=listing_data(**{field: ["", "4", next_year]}),
    )
    assert response.status_code == 200
    assert "must be a real date" in response.get_data(as_text=True)
    assert count_listings() == 0


def test_editing_cannot_move_a_date_into_the_past(client, login):
    listing = request(needed_by=utcnow().date() + timedelta(days=30))
    login(member_of(listing.organisation))
    response = client.post(
        f"/orgs/{listing.organisation_id}/exchange/listings/{listing.id}/edit",
        data=listing_data(needed_by=["1", "1", "2020"], title="Changed title here"),
    )
    assert response.status_code == 200
    assert "must be today or in the future" in response.get_data(as_text=True)
    db.session.expire_all()
    assert listing.needed_by == utcnow().date() + timedelta(days=30)
    assert listing.title != "Changed title here"


def test_a_listing_whose_date_has_passed_cannot_be_reopened_as_it_is(client, login):
    listing = offer(available_until=utcnow().date() - timedelta(days=3), status=LISTING_PAUSED)
    login(member_of(listing.organisation))
    base = f"/orgs/{listing.organisation_id}/exchange/listings/{listing.id}"
    response = client.post(f"{base}/reopen", follow_redirects=True)
    assert response.status_code == 200
    assert "Edit it to give a new date first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert listing.status == LISTING_PAUSED
    assert listing.status != LISTING_OPEN
