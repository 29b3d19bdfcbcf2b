"""Interest, accept or decline, messages, delivery, partial fulfilment and withdrawal."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.exchange.impact import delivered_matches_for_organisation, delivered_totals
from portal.exchange.matches import accept_match, deliver_match, withdraw_match
from portal.exchange.models import (
    LISTING_MATCHED,
    LISTING_OPEN,
    MATCH_ACCEPTED,
    MATCH_DECLINED,
    MATCH_DELIVERED,
    MATCH_INTERESTED,
    MATCH_WITHDRAWN,
    ExchangeMatch,
    ExchangeMessage,
)
from portal.exchange.overview import my_exchange
from portal.exchange.progress import request_progress
from portal.exchange.rules import ExchangeError
from portal.extensions import db
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, admin_of, member_of, platform_admin, vcse


def setup_pair(**request_fields):
    """A VCSE request and an anchor's offer, each organisation with one admin."""
    group = vcse(name="Gipton Food Share")
    anchor = OrganisationFactory(name="Leeds Hospital")
    group_admin = admin_of(group, email="group@example.org", name="Gina Group")
    anchor_admin = admin_of(anchor, email="anchor@example.org", name="Andy Anchor")
    request_fields.setdefault("resource_type", "volunteer_time")
    need = request(organisation=group, created_by=group_admin, **request_fields)
    give = offer(
        organisation=anchor,
        created_by=anchor_admin,
        resource_type=request_fields["resource_type"],
        title="Staff volunteering days",
    )
    return group, anchor, group_admin, anchor_admin, need, give


def interest(client, anchor, need, give, **data):
    data.setdefault("own_listing", str(give.id))
    data.setdefault("note", "We can send a team on Saturdays.")
    return client.post(f"/orgs/{anchor.id}/exchange/listings/{need.id}/interest", data=data)


def the_match() -> ExchangeMatch:
    db.session.expire_all()
    return db.session.scalar(select(ExchangeMatch))


def test_interest_accept_message_deliver_with_emails(client, login, outbox):
    group, anchor, group_admin, anchor_admin, need, give = setup_pair(
        quantity=Decimal(40), unit="hours"
    )
    login(anchor_admin)
    response = interest(client, anchor, need, give, committed_quantity="15")
    assert response.status_code == 302
    match = the_match()
    assert match.status == MATCH_INTERESTED
    assert match.initiated_by_organisation_id == anchor.id
    assert match.responder_organisation_id == group.id
    assert match.respond_by is not None
    [email] = outbox.to("group@example.org")
    assert "Leeds Hospital is interested" in email["Subject"]
    assert f"/exchange/matches/{match.id}" in outbox.body(email)

    # Before acceptance no one sees the other side's contact details.
    page = client.get(f"/exchange/matches/{match.id}")
    assert b"each organisation can choose to share its contact details" in page.data
    assert b"group@example.org" not in page.data
    # The side that asked cannot answer its own interest.
    assert client.post(f"/exchange/matches/{match.id}/accept").status_code == 403

    client.post("/sign-out")
    login(group_admin)
    assert b"anchor@example.org" not in client.get(f"/exchange/matches/{match.id}").data
    assert client.post(f"/exchange/matches/{match.id}/accept").status_code == 302
    match = the_match()
    assert match.status == MATCH_ACCEPTED
    # Accepting shares nobody's address: each side opts in (see test_contact.py).
    page = client.get(f"/exchange/matches/{match.id}")
    assert b"anchor@example.org" not in page.data and b"group@example.org" not in page.data
    assert [m["Subject"] for m in outbox.to("anchor@example.org")] == [
        "Your interest has been accepted"
    ]

    response = client.post(f"/exchange/matches/{match.id}", data={"body": "See you Saturday!"})
    assert response.status_code == 302
    assert db.session.scalar(select(ExchangeMessage)).body == "See you Saturday!"
    assert "New message about an exchange" in [
        m["Subject"] for m in outbox.to("anchor@example.org")
    ]

    page = client.get(f"/exchange/matches/{match.id}/deliver")
    assert b'value="15"' in page.data
    response = client.post(
        f"/exchange/matches/{match.id}/deliver", data={"quantity": "12.5", "unit": "hours"}
    )
    assert response.status_code == 302
    match = the_match()
    assert match.status == MATCH_DELIVERED
    assert match.delivered_quantity == Decimal("12.50") and match.delivered_unit == "hours"
    assert match.delivered_at is not None
    assert delivered_matches_for_organisation(anchor.id) == [match]
    assert delivered_matches_for_organisation(group.id) == []
    assert delivered_totals(organisation_id=anchor.id) == [
        ("volunteer_time", "hours", Decimal("12.50"))
    ]
    assert "An exchange has been marked delivered" in [
        m["Subject"] for m in outbox.to("anchor@example.org")
    ]


def test_decline_tells_the_side_that_asked(client, login, outbox):
    _group, anchor, group_admin, anchor_admin, need, give = setup_pair()
    login(anchor_admin)
    interest(client, anchor, need, give)
    client.post("/sign-out")
    login(group_admin)
    match = the_match()
    assert client.post(f"/exchange/matches/{match.id}/decline").status_code == 302
    assert the_match().status == MATCH_DECLINED
    assert "Your interest was declined" in [m["Subject"] for m in outbox.to("anchor@example.org")]
    # A declined match cannot then be accepted, nor receive messages.
    client.post(f"/exchange/matches/{match.id}/accept")
    assert the_match().status == MATCH_DECLINED
    response = client.post(f"/exchange/matches/{match.id}", data={"body": "Are you sure?"})
    assert b"This conversation has ended" in response.data
    assert db.session.scalar(select(ExchangeMessage)) is None


def test_partial_fulfilment_from_several_offers(client, login):
    """A request for 40 hours met by two offers: committed and delivered against needed."""
    need = request(quantity=Decimal(40), unit="hours", resource_type="volunteer_time")
    first = MatchFactory(request=need, committed_quantity=Decimal(25))
    second = MatchFactory(request=need, committed_quantity=Decimal(15))
    accept_match(first, platform_admin())
    db.session.commit()
    progress = request_progress([need])[need.id]
    assert (progress.needed, progress.committed, progress.delivered) == (40, 25, 0)
    assert progress.remaining == 15 and need.status == LISTING_OPEN

    accept_match(second, platform_admin())
    db.session.commit()
    assert request_progress([need])[need.id].is_met
    assert need.status == LISTING_MATCHED

    deliver_match(first, Decimal(20), "hours", platform_admin(), first.offer_organisation_id)
    db.session.commit()
    progress = request_progress([need])[need.id]
    # A delivered match counts what was delivered (20), not what was promised (25).
    assert (progress.committed, progress.delivered) == (35, 20)
    assert need.status == LISTING_OPEN  # 5 hours still to find

    login(member_of(need.organisation))
    page = client.get(f"/exchange/listings/{need.id}")
    assert b"35 of 40 hours committed" in page.data
    assert b"20 delivered" in page.data


def test_either_side_can_withdraw_before_delivery(client, login, outbox):
    group, anchor, group_admin, _anchor_admin, need, give = setup_pair()
    match = MatchFactory(offer=give, request=need, initiated_by_organisation_id=anchor.id)
    accept_match(match, group_admin)
    db.session.commit()
    login(group_admin)
    assert client.post(f"/exchange/matches/{match.id}/withdraw").status_code == 302
    match = the_match()
    assert match.status == MATCH_WITHDRAWN and match.withdrawn_by_organisation_id == group.id
    assert "A match has been withdrawn" in [m["Subject"] for m in outbox.to("anchor@example.org")]
    # After withdrawal it cannot be delivered.
    response = client.post(
        f"/exchange/matches/{match.id}/deliver", data={"quantity": "3", "unit": "hours"}
    )
    assert b"withdrawn, so you cannot mark it delivered" in response.data


def test_a_delivered_match_cannot_be_withdrawn():
    match = MatchFactory(status=MATCH_DELIVERED)
    try:
        withdraw_match(match, match.offer_organisation_id, platform_admin())
    except ExchangeError as error:
        assert "delivered" in str(error)
    else:
        raise AssertionError("withdrawing a delivered match must fail")


def test_only_the_two_parties_and_platform_admins_see_the_thread(client, login):
    match = MatchFactory(status=MATCH_ACCEPTED)
    db.session.add(
        ExchangeMessage(
            match_id=match.id, organisation_id=match.offer_organisation_id, body="Private note"
        )
    )
    db.session.commit()
    outsider = member_of(OrganisationFactory())
    login(outsider)
    url = f"/exchange/matches/{match.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"body": "Let me in"}).status_code == 403
    for action in ("accept", "decline", "withdraw"):
        assert client.post(f"{url}/{action}").status_code == 403
    assert client.post(f"{url}/deliver", data={"quantity": "1", "unit": "x"}).status_code == 403
    assert (
        db.session.scalar(select(ExchangeMessage).where(ExchangeMessage.body == "Let me in"))
        is None
    )
    client.post("/sign-out")
    assert client.get(url).status_code == 302  # to sign in
    login(platform_admin())
    page = client.get(url)
    assert page.status_code == 200 and b"Private note" in page.data
    client.post("/sign-out")
    login(member_of(match.request.organisation))
    assert b"Private note" in client.get(url).data
    assert client.get("/exchange/matches/999999").status_code == 404


def test_interest_bad_input_and_rules(client, login):
    _group, anchor, _group_admin, anchor_admin, need, give = setup_pair()
    login(anchor_admin)
    assert interest(client, anchor, need, give, note="").status_code == 200
    assert b"Write a short message" in interest(client, anchor, need, give, note="").data
    response = interest(client, anchor, need, give, own_listing="999999")
    assert b"Choose from the options given" in response.data
    response = interest(client, anchor, need, give, committed_quantity="ten")
    assert b"The amount that can be given must be a number" in response.data
    assert the_match() is None
    assert interest(client, anchor, need, give).status_code == 302
    # The same pair cannot be opened twice while the first is active.
    response = interest(client, anchor, need, give)
    assert b"already an open conversation" in response.data
    assert len(db.session.scalars(select(ExchangeMatch)).all()) == 1


def test_interest_needs_a_listing_of_the_other_side(client, login):
    need = request()
    anchor = OrganisationFactory()
    login(member_of(anchor))
    page = client.get(f"/orgs/{anchor.id}/exchange/listings/{need.id}/interest")
    assert b"You need an open offer first" in page.data
    # Nor can an organisation respond to its own listing, or act for an organisation it is not in.
    login_other = member_of(need.organisation)
    client.post("/sign-out")
    login(login_other)
    own = f"/orgs/{need.organisation_id}/exchange/listings/{need.id}/interest"
    assert client.get(own).status_code == 404
    assert client.get(f"/orgs/{anchor.id}/exchange/listings/{need.id}/interest").status_code == 403


def test_messages_are_rate_limited(app, client, login):
    match = MatchFactory(status=MATCH_ACCEPTED)
    login(member_of(match.offer.organisation))
    app.config["EXCHANGE_MESSAGE_RATE_LIMIT"] = "2 per hour"
    try:
        codes = [
            client.post(f"/exchange/matches/{match.id}", data={"body": f"Hello {n}"}).status_code
            for n in range(3)
        ]
    finally:
        del app.config["EXCHANGE_MESSAGE_RATE_LIMIT"]
    assert codes == [302, 302, 429]


def test_my_exchange_sorts_matches_into_what_needs_doing(client, login):
    group, anchor, group_admin, _anchor_admin, need, give = setup_pair()
    waiting = MatchFactory(offer=give, request=need, initiated_by_organisation_id=anchor.id)
    other_need = request(organisation=group, title="Second request from the group")
    agreed = MatchFactory(
        offer=give,
        request=other_need,
        initiated_by_organisation_id=anchor.id,
        status=MATCH_ACCEPTED,
    )
    mine = my_exchange(group.id)
    assert mine.waiting_for_us == [waiting] and mine.to_deliver == [agreed]
    assert my_exchange(anchor.id).waiting_for_them == [waiting]
    login(group_admin)
    page = client.get(f"/orgs/{group.id}/exchange").data.decode()
    assert page.index("Waiting for your answer") < page.index("Staff volunteering days")


def test_delivery_and_message_bad_input_save_nothing(client, login):
    match = MatchFactory(status=MATCH_ACCEPTED)
    login(member_of(match.offer.organisation))
    url = f"/exchange/matches/{match.id}"
    for data, message in (
        ({"quantity": "", "unit": "hours"}, b"Enter how much was delivered"),
        ({"quantity": "abc", "unit": "hours"}, b"The amount delivered must be a number"),
        (
            {"quantity": "99999999999999", "unit": "hours"},
            b"The amount delivered must be less than",
        ),
        ({"quantity": "1.234", "unit": "hours"}, b"can have at most 2 decimal places"),
        ({"quantity": "3", "unit": ""}, b"Enter the unit"),
    ):
        response = client.post(f"{url}/deliver", data=data)
        assert response.status_code == 200 and message in response.data, data
    response = client.post(url, data={"body": "x" * 2001})
    assert b"2,000 characters or fewer" in response.data
    response = client.post(url, data={"body": "   "})
    assert b"Write your message" in response.data
    match = the_match()
    assert match.status == MATCH_ACCEPTED and match.delivered_quantity is None
    assert db.session.scalar(select(ExchangeMessage)) is None
