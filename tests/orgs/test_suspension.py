"""Suspending an organisation hides everything it publishes and freezes it; reinstating it shows
everything again unchanged (issue 11, finding 7)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.activities.models import Activity
from portal.exchange.models import ExchangeMessage, Listing
from portal.extensions import db
from portal.orgs.models import STATUS_APPROVED, STATUS_SUSPENDED
from portal.pledges.catalogue import load_catalogue
from portal.pledges.models import ProgressUpdate
from tests.activities.factories import ActivityFactory
from tests.activities.factories import form_data as activity_form
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, admin_of, member_of, platform_admin
from tests.pledges.factories import make_pledge

BANNER = "Your organisation is suspended"


@pytest.fixture(autouse=True)
def catalogue() -> None:
    """Pledges need the shipped social value measures."""
    load_catalogue()
    db.session.commit()


@pytest.fixture
def world():
    """A suspended-to-be organisation with one of everything public, and an outsider."""
    suspended = OrganisationFactory(name="Suspended Trust")
    other = OrganisationFactory(name="Other Org")
    world = {
        "org": suspended,
        "other": other,
        "member": member_of(suspended),
        "outsider": member_of(other),
        "admin": platform_admin(),
        "listing": offer(organisation=suspended, title="Spare minibus on Sundays"),
        "pledge": make_pledge(suspended, title="Hire fifty local apprentices"),
        "activity": ActivityFactory(lead_organisation=suspended, title="Riverside litter pick"),
        "their_request": request(organisation=other, title="Transport for a day trip"),
    }
    return world


def set_status(client, login, world, status: str) -> None:
    login(world["admin"])
    response = client.post(
        f"/admin/organisations/{world['org'].id}/status", data={"status": status}
    )
    assert response.status_code == 302
    client.post("/sign-out")
    db.session.expire_all()


def public_pages(world) -> dict[str, str]:
    return {
        "browse": "/exchange",
        "search": "/exchange?q=minibus",
        "listing": f"/exchange/listings/{world['listing'].id}",
        "wall": "/pledges",
        "pledge": f"/pledges/{world['pledge'].id}",
        "pledges.json": "/pledges.json",
        "pledges.csv": "/pledges/export.csv",
        "activities": "/activities",
        "activity": f"/activities/{world['activity'].id}",
        "directory": "/organisations",
        "profile": f"/organisations/{world['org'].id}",
    }


SHOWS = {
    "browse": "Spare minibus on Sundays",
    "search": "Spare minibus on Sundays",
    "listing": "Spare minibus on Sundays",
    "wall": "Hire fifty local apprentices",
    "pledge": "Hire fifty local apprentices",
    "pledges.json": "Hire fifty local apprentices",
    "pledges.csv": "Hire fifty local apprentices",
    "activities": "Riverside litter pick",
    "activity": "Riverside litter pick",
    "directory": "Suspended Trust",
    "profile": "Suspended Trust",
}
DETAIL_PAGES = {"listing", "pledge", "activity", "profile"}


def visible(client, world) -> dict[str, object]:
    """What each public page gives: 404, or whether the organisation's item is on it."""
    seen: dict[str, object] = {}
    for name, path in public_pages(world).items():
        response = client.get(path)
        if response.status_code == 404:
            seen[name] = 404
        else:
            assert response.status_code == 200, (name, response.status_code)
            seen[name] = SHOWS[name] in response.get_data(as_text=True)
    return seen


def test_the_public_and_other_organisations_see_nothing_of_a_suspended_one(client, login, world):
    assert set(visible(client, world).values()) == {True}
    set_status(client, login, world, STATUS_SUSPENDED)
    hidden = {name: (404 if name in DETAIL_PAGES else False) for name in SHOWS}
    assert visible(client, world) == hidden  # the public
    login(world["outsider"])
    assert visible(client, world) == hidden  # another organisation's member
    page = client.get(f"/exchange/listings/{world['their_request'].id}")
    assert "Spare minibus on Sundays" not in page.text  # not suggested to others either
    interest = f"/orgs/{world['other'].id}/exchange/listings/{world['listing'].id}/interest"
    assert client.get(interest).status_code == 404


def test_reinstating_shows_everything_again_unchanged(client, login, world):
    before = visible(client, world)
    set_status(client, login, world, STATUS_SUSPENDED)
    set_status(client, login, world, STATUS_APPROVED)
    assert visible(client, world) == before
    assert json.loads(client.get("/pledges.json").text)  # the export is back too


def test_a_suspended_organisations_members_read_their_own_pages_with_a_banner(client, login, world):
    set_status(client, login, world, STATUS_SUSPENDED)
    login(world["member"])
    org_id = world["org"].id
    for path in (
        f"/orgs/{org_id}",
        f"/orgs/{org_id}/exchange",
        f"/orgs/{org_id}/pledges",
        f"/orgs/{org_id}/activities",
        f"/exchange/listings/{world['listing'].id}",
        f"/pledges/{world['pledge'].id}",
        f"/activities/{world['activity'].id}",
        f"/organisations/{org_id}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert BANNER in page.text and "support@anchor.test" in page.text, path
    assert "Spare minibus on Sundays" in client.get(f"/orgs/{org_id}/exchange").text


def test_every_write_route_refuses_a_suspended_organisations_member_and_changes_nothing(
    client, login, world
):
    org_id, listing = world["org"].id, world["listing"]
    world["org"].status = STATUS_SUSPENDED
    db.session.commit()
    login(admin_of(world["org"]))
    counts = (
        db.session.scalar(select(func.count(Listing.id))),
        db.session.scalar(select(func.count(Activity.id))),
        db.session.scalar(select(func.count(ProgressUpdate.id))),
    )
    edit = f"/orgs/{org_id}/exchange/listings/{listing.id}/edit"
    attempts = [
        client.get(edit),
        client.post(edit, data={"title": "Changed", "resource_type": "space"}),
        client.post(f"/orgs/{org_id}/exchange/listings/{listing.id}/close"),
        client.get(f"/orgs/{org_id}/exchange/offer/new"),
        client.post(
            f"/orgs/{org_id}/pledges/{world['pledge'].id}/progress",
            data={
                "period_start": ["1", "1", "2026"],
                "period_end": ["31", "1", "2026"],
                "value": "5",
            },
        ),
        client.post(f"/orgs/{org_id}/activities/new", data=activity_form()),
        client.post(f"/orgs/{org_id}/activities/{world['activity'].id}/delete"),
        client.post(f"/orgs/{org_id}/edit", data={"name": "Renamed"}),
    ]
    for response in attempts:
        assert response.status_code == 403, response.request.path
        assert "Your organisation is suspended" in response.text
        assert "nothing can be changed until it is reinstated" in response.text
    db.session.expire_all()
    assert listing.title == "Spare minibus on Sundays" and listing.status == "open"
    assert world["org"].name == "Suspended Trust"
    assert (
        db.session.scalar(select(func.count(Listing.id))),
        db.session.scalar(select(func.count(Activity.id))),
        db.session.scalar(select(func.count(ProgressUpdate.id))),
    ) == counts


def test_platform_admins_may_still_change_a_suspended_organisations_listing(client, login, world):
    world["org"].status = STATUS_SUSPENDED
    db.session.commit()
    login(world["admin"])
    listing = world["listing"]
    response = client.post(f"/orgs/{world['org'].id}/exchange/listings/{listing.id}/pause")
    assert response.status_code == 302
    db.session.expire_all()
    assert listing.status == "paused"


def test_a_match_in_progress_is_paused_while_one_side_is_suspended(client, login, world):
    match = MatchFactory(offer=world["listing"], request=world["their_request"])
    world["org"].status = STATUS_SUSPENDED
    db.session.commit()
    login(world["outsider"])  # the other side, which was asked
    page = client.get(f"/exchange/matches/{match.id}")
    assert page.status_code == 200
    assert "This exchange is paused while Suspended Trust is suspended" in page.text
    assert 'name="body"' not in page.text  # no message box
    refused = client.post(f"/exchange/matches/{match.id}", data={"body": "Hello?"})
    assert refused.status_code == 403 and "paused" in refused.text
    assert client.post(f"/exchange/matches/{match.id}/accept").status_code == 403
    assert db.session.scalar(select(func.count(ExchangeMessage.id))) == 0
    db.session.expire_all()
    assert match.status == "interested"
    # Reinstated, the conversation carries on where it was.
    world["org"].status = STATUS_APPROVED
    db.session.commit()
    assert client.post(f"/exchange/matches/{match.id}/accept").status_code == 302
    db.session.expire_all()
    assert match.status == "accepted"


def test_a_suspended_partner_is_not_named_on_other_organisations_activities(client, world):
    shared = ActivityFactory(
        lead_organisation=world["other"], partners=[world["org"]], title="Joint food bank"
    )
    world["org"].status = STATUS_SUSPENDED
    db.session.commit()
    page = client.get(f"/activities/{shared.id}")
    assert "Joint food bank" in page.text and "Suspended Trust" not in page.text
