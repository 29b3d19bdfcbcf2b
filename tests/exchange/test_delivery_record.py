"""Issue 10, items 4 and 5: what was delivered stays as delivered; over-delivery is said plainly."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.exchange.impact import delivered_totals
from portal.exchange.matches import deliver_match
from portal.exchange.models import (
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    ExchangeMatch,
    quantity_label,
)
from portal.exchange.progress import request_progress
from portal.extensions import db
from tests.exchange.factories import MatchFactory, offer, request, ward
from tests.factories import OrganisationFactory, admin_of, vcse


def freezer_exchange(committed: str = "2", needed: str = "2"):
    group = vcse(name="Gipton Food Share")
    anchor = OrganisationFactory(name="Leeds Hospital")
    group_admin = admin_of(group, email="group@example.org")
    anchor_admin = admin_of(anchor, email="anchor@example.org")
    give = offer(
        organisation=anchor,
        created_by=anchor_admin,
        resource_type="equipment",
        title="Chest freezer, good condition",
        quantity=Decimal(2),
        unit="freezers",
    )
    need = request(
        organisation=group,
        created_by=group_admin,
        resource_type="equipment",
        title="Freezers for the food bank",
        quantity=Decimal(needed),
        unit="freezers",
    )
    match = MatchFactory(
        offer=give,
        request=need,
        status=MATCH_ACCEPTED,
        committed_quantity=Decimal(committed),
    )
    db.session.commit()
    return match, anchor, anchor_admin, group_admin


def the_match() -> ExchangeMatch:
    db.session.expire_all()
    return db.session.scalar(select(ExchangeMatch))


# --- item 4: a delivered exchange keeps what was delivered ---------------------------------


def test_editing_an_offer_after_delivery_does_not_rewrite_what_was_delivered(client, login):
    match, anchor, anchor_admin, _group_admin = freezer_exchange()
    login(anchor_admin)
    client.post(f"/exchange/matches/{match.id}/deliver", data={"quantity": "1", "unit": "freezers"})
    assert the_match().status == MATCH_DELIVERED
    response = client.post(
        f"/orgs/{anchor.id}/exchange/listings/{match.offer_id}/edit",
        data={
            "resource_type": "funding",
            "title": "Grant towards kitchen equipment",
            "description": "Up to £500 for kitchen equipment.",
            "quantity": "500",
            "unit": "£",
            "wards": [str(ward("Armley").id)],
        },
    )
    assert response.status_code == 302
    match = the_match()
    assert match.offer.title == "Grant towards kitchen equipment"  # the listing did change

    page = client.get(f"/exchange/matches/{match.id}").get_data(as_text=True)
    assert "Chest freezer, good condition" in page
    assert "Equipment or goods" in page
    assert "1 freezer delivered" in page
    history = client.get(f"/orgs/{anchor.id}/exchange").get_data(as_text=True)
    assert "Chest freezer, good condition" in history
    assert "1 freezers" not in history
    assert delivered_totals(organisation_id=anchor.id) == [
        ("equipment", "freezers", Decimal("1.00"))
    ]


def test_delivery_snapshot_is_taken_by_the_service():
    match, anchor, anchor_admin, _group_admin = freezer_exchange()
    deliver_match(match, Decimal(2), "freezers", anchor_admin, anchor.id)
    db.session.commit()
    match.offer.title, match.offer.resource_type = "Something else now", "funding"
    db.session.commit()
    match = the_match()
    assert (match.delivered_title, match.delivered_resource_type) == (
        "Chest freezer, good condition",
        "equipment",
    )
    assert match.title == "Chest freezer, good condition"


# --- item 5: deliveries beyond what was agreed ----------------------------------------------


def test_delivering_more_than_agreed_needs_saying_so(client, login):
    match, _anchor, anchor_admin, _group_admin = freezer_exchange()
    login(anchor_admin)
    response = client.post(
        f"/exchange/matches/{match.id}/deliver", data={"quantity": "4", "unit": "freezers"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "That is more than the 2 freezers agreed" in page
    assert "I delivered more than agreed" in page
    assert the_match().status == MATCH_ACCEPTED  # nothing changed

    response = client.post(
        f"/exchange/matches/{match.id}/deliver",
        data={"quantity": "4", "unit": "freezers", "more_than_agreed": "y"},
    )
    assert response.status_code == 302
    match = the_match()
    assert match.status == MATCH_DELIVERED and match.delivered_quantity == 4
    page = client.get(f"/exchange/matches/{match.id}").get_data(as_text=True)
    assert "4 freezers delivered, 2 more than the 2 agreed" in page
    assert "4 of 2" not in page
    assert "(need met)" not in page


def test_request_progress_beyond_the_need_reads_plainly():
    match, anchor, anchor_admin, _group_admin = freezer_exchange()
    deliver_match(match, Decimal(4), "freezers", anchor_admin, anchor.id, more_than_agreed=True)
    db.session.commit()
    progress = request_progress([match.request])[match.request_id]
    assert progress.summary == "4 freezers delivered, 2 more than the 2 freezers needed"


def test_delivering_up_to_the_agreed_amount_needs_no_confirmation():
    match, anchor, anchor_admin, _group_admin = freezer_exchange(committed="2", needed="3")
    deliver_match(match, Decimal(1), "freezers", anchor_admin, anchor.id)
    db.session.commit()
    progress = request_progress([match.request])[match.request_id]
    assert progress.summary == "1 of 3 freezers committed, 1 delivered"


def test_quantities_read_in_the_singular_for_one():
    assert quantity_label(Decimal(1), "freezers") == "1 freezer"
    assert quantity_label(Decimal(4), "freezers") == "4 freezers"
    assert quantity_label(Decimal(1), "hours") == "1 hour"
    assert quantity_label(Decimal(1), "boxes") == "1 box"
    assert quantity_label(Decimal(1), "people") == "1 person"
    assert quantity_label(Decimal(1), "£") == "£1"
    assert quantity_label(Decimal("1000"), "hours") == "1,000 hours"
