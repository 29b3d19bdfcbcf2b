"""Links from an activity to the lead's own pledges and to exchanges the lead took part in."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from portal.activities.links import linked_match_ids, linked_pledge_ids
from portal.activities.models import Activity, activity_exchange_matches
from portal.exchange.models import MATCH_ACCEPTED, MATCH_DECLINED, MATCH_DELIVERED
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from tests.activities.factories import ActivityFactory, form_data
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, member_of
from tests.pledges.factories import make_pledge


@pytest.fixture(autouse=True)
def catalogue() -> None:
    load_catalogue()
    db.session.commit()


@pytest.fixture
def world():
    lead = OrganisationFactory(name="Lead Org")
    other = OrganisationFactory(name="Other Org")
    return {
        "lead": lead,
        "other": other,
        "own_pledge": make_pledge(lead, title="Our volunteering pledge"),
        "private_pledge": make_pledge(lead, title="Our private pledge", public=False),
        "foreign_pledge": make_pledge(other, title="Their pledge"),
        "delivered": MatchFactory(
            offer=offer(organisation=lead, title="Our spare meeting room"),
            request=request(organisation=other, title="Room for a youth club"),
            status=MATCH_DELIVERED,
        ),
        "as_requester": MatchFactory(
            offer=offer(organisation=other, title="Their van"),
            request=request(organisation=lead, title="Our removal"),
            status=MATCH_ACCEPTED,
        ),
        "declined": MatchFactory(
            offer=offer(organisation=lead, title="Declined offer"),
            request=request(organisation=other),
            status=MATCH_DECLINED,
        ),
        "foreign_match": MatchFactory(
            offer=offer(organisation=other, title="Not ours"),
            request=request(organisation=OrganisationFactory()),
            status=MATCH_DELIVERED,
        ),
    }


def test_the_form_offers_only_the_leads_pledges_and_matches(client, login, world):
    login(member_of(world["lead"]))
    text = client.get(f"/orgs/{world['lead'].id}/activities/new").text
    assert "Our volunteering pledge" in text and "Our private pledge" in text
    assert "Their pledge" not in text
    assert "Our spare meeting room" in text and "Their van" in text
    assert "Declined offer" not in text and "Not ours" not in text


def test_linking_saves_own_links_and_refuses_others(client, login, world):
    login(member_of(world["lead"]))
    response = client.post(
        f"/orgs/{world['lead'].id}/activities/new",
        data=form_data(
            pledges=[str(world["own_pledge"].id)],
            matches=[str(world["delivered"].id), str(world["as_requester"].id)],
        ),
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity))
    assert linked_pledge_ids(activity) == [world["own_pledge"].id]
    assert sorted(linked_match_ids(activity)) == sorted(
        [world["delivered"].id, world["as_requester"].id]
    )
    detail = client.get(f"/activities/{activity.id}").text
    assert "Our volunteering pledge" in detail and "Our spare meeting room" in detail

    # Tampered ids (another organisation's pledge, a match the lead was not part of) are refused.
    for field, bad in (
        ("pledges", world["foreign_pledge"].id),
        ("matches", world["foreign_match"].id),
        ("matches", world["declined"].id),
    ):
        response = client.post(
            f"/orgs/{world['lead'].id}/activities/{activity.id}/edit",
            data=form_data(**{field: [str(bad)]}),
        )
        assert response.status_code == 200
        assert "Choose from the options given" in response.text
    assert linked_pledge_ids(activity) == [world["own_pledge"].id]

    # Editing replaces the links.
    client.post(
        f"/orgs/{world['lead'].id}/activities/{activity.id}/edit",
        data=form_data(pledges=[str(world["private_pledge"].id)]),
    )
    assert linked_pledge_ids(activity) == [world["private_pledge"].id]
    assert linked_match_ids(activity) == []


def test_visitors_see_public_links_and_never_private_ones(client, login, world):
    activity = ActivityFactory(lead_organisation=world["lead"])
    from portal.activities.links import set_links
    from portal.activities.rules import ActivityValues

    values = ActivityValues(
        title="x",
        description="",
        start_date=activity.start_date,
        end_date=activity.end_date,
        goal_ids=[],
        citywide=True,
        pledge_ids=[world["own_pledge"].id, world["private_pledge"].id],
        match_ids=[world["delivered"].id],
    )
    set_links(activity, values)
    db.session.commit()
    text = client.get(f"/activities/{activity.id}").text
    assert "Our volunteering pledge" in text
    assert "Our private pledge" not in text and "Our spare meeting room" not in text
    login(member_of(world["other"]))  # the other side of the delivered match
    text = client.get(f"/activities/{activity.id}").text
    assert "Our spare meeting room" in text and "Our private pledge" not in text


def test_deleting_an_activity_removes_its_links(client, login, world):
    login(member_of(world["lead"]))
    client.post(
        f"/orgs/{world['lead'].id}/activities/new",
        data=form_data(pledges=[str(world["own_pledge"].id)], matches=[str(world["delivered"].id)]),
    )
    activity = db.session.scalar(select(Activity))
    response = client.post(f"/orgs/{world['lead'].id}/activities/{activity.id}/delete")
    assert response.status_code == 302
    from portal.activities.models import activity_exchange_matches, activity_pledges

    assert db.session.execute(select(activity_pledges)).all() == []
    assert db.session.execute(select(activity_exchange_matches)).all() == []


def test_a_listing_edited_after_delivery_does_not_rewrite_the_activitys_history(client, login):
    lead = OrganisationFactory(name="Lead Org")
    match = MatchFactory(
        offer=offer(organisation=lead, title="Our spare meeting room"),
        request=request(title="Room for a youth club"),
        status=MATCH_DELIVERED,
    )
    match.snapshot_delivery()
    activity = ActivityFactory(lead_organisation=lead, title="Youth club evenings")
    db.session.execute(
        insert(activity_exchange_matches), [{"activity_id": activity.id, "match_id": match.id}]
    )
    match.offer.title = "Hall for hire, weekends only"  # the listing, edited since
    db.session.commit()
    login(member_of(lead))
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Our spare meeting room (Lead Org) for Room for a youth club" in page
    assert "Hall for hire" not in page
