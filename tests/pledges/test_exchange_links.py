"""Delivered exchanges counted towards pledges: once only, by the offering organisation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.core.models import AuditLog
from portal.exchange.models import (
    MATCH_ACCEPTED,
    MATCH_DELIVERED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
)
from portal.extensions import db
from portal.pledges import links, services
from portal.pledges.models import PledgeExchangeLink
from tests.factories import OrganisationFactory, member_of, vcse
from tests.pledges.factories import make_pledge


def delivered_match(
    offering, requesting=None, *, hours="20", on=datetime(2026, 3, 10, 12), status=MATCH_DELIVERED
) -> ExchangeMatch:
    requesting = requesting or vcse(name="Gipton Food Share (test)")
    offer = Listing(
        organisation_id=offering.id,
        side=SIDE_OFFER,
        resource_type="volunteer_time",
        title="Staff volunteers for your food bank",
        unit="hours",
        expires_on=date(2027, 1, 1),
    )
    request = Listing(
        organisation_id=requesting.id,
        side=SIDE_REQUEST,
        resource_type="volunteer_time",
        title="Volunteers to sort donations",
        unit="hours",
        expires_on=date(2027, 1, 1),
    )
    db.session.add_all([offer, request])
    db.session.flush()
    match = ExchangeMatch(
        offer_id=offer.id,
        request_id=request.id,
        initiated_by_organisation_id=requesting.id,
        status=status,
        delivered_quantity=Decimal(hours) if status == MATCH_DELIVERED else None,
        delivered_unit="hours",
        delivered_at=on if status == MATCH_DELIVERED else None,
    )
    db.session.add(match)
    db.session.commit()
    return match


def link_count() -> int:
    return db.session.scalar(select(func.count(PledgeExchangeLink.id)))


def test_offering_member_links_a_delivery_and_it_counts_as_progress(client, login):
    pledge = make_pledge(target=1000, start=date(2026, 1, 1), end=date(2026, 12, 31))
    match = delivered_match(pledge.organisation)
    login(member_of(pledge.organisation))
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges"
    assert "Staff volunteers for your food bank" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"match": str(match.id), "quantity": "20"})
    assert response.status_code == 302
    progress = services.progress_for([pledge], date(2026, 4, 1))[0]
    assert progress.delivered_units == 20
    assert progress.delivered_value == Decimal("395.40")  # 20 hours x £19.77 (2026)
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert links.EXCHANGE_NOTE in page
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action.like("%linked")))


def test_a_delivery_counts_once_even_across_two_pledges(client, login):
    organisation = OrganisationFactory()
    first = make_pledge(organisation, title="First pledge")
    second = make_pledge(organisation, title="Second pledge")
    match = delivered_match(organisation)
    login(member_of(organisation))
    client.post(
        f"/orgs/{organisation.id}/pledges/{first.id}/exchanges",
        data={"match": str(match.id), "quantity": "20"},
    )
    again = client.post(
        f"/orgs/{organisation.id}/pledges/{second.id}/exchanges",
        data={"match": str(match.id), "quantity": "20"},
    )
    assert again.status_code == 200
    assert "Choose from the options given" in again.get_data(as_text=True)
    assert link_count() == 1
    # The service refuses it too, whatever the form offered.
    with pytest.raises(links.LinkError, match="already counts"):
        links.link_exchange(second, match, Decimal(5), None)
    totals = services.totals(services.progress_for([first, second], date(2026, 4, 1)))
    assert totals.delivered_value == Decimal("395.40")


def test_only_the_offering_side_and_only_delivered_matches(client, login):
    offering = OrganisationFactory()
    receiving = vcse()
    match = delivered_match(offering, receiving)
    receiver_pledge = make_pledge(receiving)
    with pytest.raises(links.LinkError, match="your organisation delivered"):
        links.link_exchange(receiver_pledge, match, Decimal(20), None)
    agreed = delivered_match(offering, status=MATCH_ACCEPTED)
    offer_pledge = make_pledge(offering)
    with pytest.raises(links.LinkError, match="has been delivered"):
        links.link_exchange(offer_pledge, agreed, Decimal(20), None)
    early = delivered_match(offering, on=datetime(2025, 6, 1))
    with pytest.raises(links.LinkError, match="before this pledge started"):
        links.link_exchange(offer_pledge, early, Decimal(20), None)
    assert link_count() == 0
    # Through the page: the receiver's form lists nothing to link.
    login(member_of(receiving))
    page = client.get(f"/orgs/{receiving.id}/pledges/{receiver_pledge.id}/exchanges")
    assert "No delivered exchanges to add" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("", "Enter how much of the exchange counts"),
        ("0", "Enter an amount greater than 0"),
        ("-4", "Enter an amount greater than 0"),
        ("many", "must be a number"),
    ],
)
def test_bad_link_input_saves_nothing(client, login, quantity, message):
    pledge = make_pledge()
    match = delivered_match(pledge.organisation)
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges",
        data={"match": str(match.id), "quantity": quantity},
    )
    assert message in response.get_data(as_text=True)
    assert link_count() == 0


def test_unknown_match_id_is_a_field_message(client, login):
    pledge = make_pledge()
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges",
        data={"match": "987654", "quantity": "3"},
    )
    assert response.status_code == 200
    assert "Choose from the options given" in response.get_data(as_text=True)


def test_unlinking_stops_counting_and_frees_the_delivery(client, login):
    pledge = make_pledge()
    match = delivered_match(pledge.organisation)
    link = links.link_exchange(pledge, match, Decimal(20), None)
    db.session.commit()
    login(member_of(pledge.organisation))
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges/{link.id}/remove"
    assert client.post(url).status_code == 302
    assert link_count() == 0
    assert services.progress_for([pledge])[0].delivered_units == 0
    assert [m.id for m in links.linkable_matches(pledge.organisation_id)] == [match.id]


def test_other_organisations_cannot_link_or_unlink(client, login):
    pledge = make_pledge()
    match = delivered_match(pledge.organisation)
    link = links.link_exchange(pledge, match, Decimal(20), None)
    db.session.commit()
    outsider = OrganisationFactory()
    login(member_of(outsider))
    base = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges"
    assert client.get(base).status_code == 403
    assert client.post(f"{base}/{link.id}/remove").status_code == 403
    assert (
        client.post(
            f"/orgs/{outsider.id}/pledges/{pledge.id}/exchanges/{link.id}/remove"
        ).status_code
        == 404
    )
    assert link_count() == 1


def test_an_undelivered_match_stops_counting():
    pledge = make_pledge()
    match = delivered_match(pledge.organisation)
    links.link_exchange(pledge, match, Decimal(20), None)
    match.status = MATCH_ACCEPTED
    db.session.commit()
    assert services.progress_for([pledge], date(2026, 4, 1))[0].delivered_units == 0


def test_linked_delivery_counts_as_a_report_for_lapsing():
    pledge = make_pledge(start=date(2025, 1, 1), end=date(2027, 12, 31), target=100000)
    match = delivered_match(pledge.organisation, on=datetime(2026, 3, 10, 12))
    link = links.link_exchange(pledge, match, Decimal(20), None)
    link.linked_at = datetime(2026, 3, 12, 9)
    db.session.commit()
    progress = services.progress_for([pledge], date(2026, 3, 20))[0]
    assert progress.status != "lapsed"
    assert progress.due_on == date(2026, 3, 12) + timedelta(days=92)


# --- issue 10, item 3: a link counts at most what was delivered, in compatible units --------


def test_24_hours_delivered_cannot_be_linked_as_1000_hours(client, login):
    pledge = make_pledge(target=5000)
    match = delivered_match(pledge.organisation, hours="24")
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges",
        data={"match": str(match.id), "quantity": "1000"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "That exchange delivered 24 hours, so it can count for at most 24 hours" in page
    assert link_count() == 0
    assert services.progress_for([pledge], date(2026, 4, 1))[0].delivered_units == 0
    # Up to what was delivered is fine.
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/exchanges",
        data={"match": str(match.id), "quantity": "24"},
    )
    assert response.status_code == 302
    assert services.progress_for([pledge], date(2026, 4, 1))[0].delivered_units == 24


def test_hours_cannot_count_towards_a_pounds_pledge():
    pledge = make_pledge(measure_code="GROW-1", target=10000)
    match = delivered_match(pledge.organisation, hours="24")
    with pytest.raises(links.LinkError, match="delivered in hours, which cannot count"):
        links.link_exchange(pledge, match, Decimal(24), None)
    assert link_count() == 0


def test_pounds_count_towards_a_pounds_pledge_and_kilograms_as_tonnes():
    assert links.countable_quantity(Decimal(500), "£", "gbp") == 500
    assert links.countable_quantity(Decimal(500), " GBP ", "gbp") == 500
    assert links.countable_quantity(Decimal(250), "kg", "tonnes") == Decimal("0.25")
    assert links.countable_quantity(Decimal(3), "freezers", "gbp") is None
    assert links.countable_quantity(Decimal(3), "hours", "hours_attendees") is None


def test_an_old_inflated_link_counts_only_what_was_delivered():
    pledge = make_pledge(target=5000)
    match = delivered_match(pledge.organisation, hours="24")
    # As a link made before the check would have been stored.
    db.session.add(
        PledgeExchangeLink(pledge_id=pledge.id, match_id=match.id, quantity=Decimal(1000))
    )
    db.session.commit()
    assert services.progress_for([pledge], date(2026, 4, 1))[0].delivered_units == 24
