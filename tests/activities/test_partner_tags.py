"""Naming another organisation as a partner needs its acceptance (issue 11, finding 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.activities.models import Activity, PartnerTag
from portal.core.models import AuditLog
from portal.extensions import db
from tests.activities.factories import ActivityFactory, form_data
from tests.factories import OrganisationFactory, admin_of, member_of


@pytest.fixture
def named(client, login, outbox):
    """Lead Org records a public activity naming Partner Org; returns what the tests need."""
    lead, partner, third = (
        OrganisationFactory(name="Lead Org"),
        OrganisationFactory(name="Partner Org"),
        OrganisationFactory(name="Third Org"),
    )
    lead_member, partner_admin = member_of(lead), admin_of(partner)
    login(lead_member)
    response = client.post(
        f"/orgs/{lead.id}/activities/new",
        data=form_data(title="Reading buddies", partners=[str(partner.id)]),
    )
    assert response.status_code == 302
    client.post("/sign-out")
    activity = db.session.scalar(select(Activity))
    return {
        "lead": lead,
        "partner": partner,
        "third": third,
        "partner_admin": partner_admin,
        "partner_member": member_of(partner),
        "third_member": member_of(third),
        "activity": activity,
        "actions": f"/orgs/{partner.id}/activities/{activity.id}/partner",
    }


def partner_shown(client, activity: Activity, partner_id: int) -> bool:
    """Whether the public sees the partner named on the activity and in its own list."""
    page = client.get(f"/activities/{activity.id}").text
    listed = client.get(f"/activities?organisation={partner_id}").text
    on_page = "Partner Org" in page
    assert on_page == ("Reading buddies" in listed)
    return on_page


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.action)
            .where(AuditLog.action.like("activity.partner_%"))
            .order_by(AuditLog.id)
        )
    )


def test_a_pending_tag_is_not_public_and_the_named_organisation_is_asked(
    client, login, named, outbox
):
    assert not partner_shown(client, named["activity"], named["partner"].id)
    (email,) = outbox.to(named["partner_admin"].email)
    assert "Lead Org names Partner Org as a partner" in email["Subject"]
    assert f"/orgs/{named['partner'].id}/activities" in outbox.body(email)
    login(named["partner_member"])
    page = client.get(f"/orgs/{named['partner'].id}/activities")
    assert "Partner requests" in page.text and "Reading buddies" in page.text
    assert audit_actions() == ["activity.partner_requested"]


def test_accepting_makes_the_tag_public_and_removing_it_later_takes_it_away(client, login, named):
    login(named["partner_member"])
    accepted = client.post(named["actions"] + "/accept", follow_redirects=True)
    assert "You have accepted being named as a partner on ‘Reading buddies’" in accepted.text
    assert "Activities naming you as a partner" in accepted.text
    client.post("/sign-out")
    assert partner_shown(client, named["activity"], named["partner"].id)
    login(named["partner_member"])
    client.post(named["actions"] + "/remove")
    client.post("/sign-out")
    assert not partner_shown(client, named["activity"], named["partner"].id)
    assert db.session.scalars(select(PartnerTag)).all() == []
    assert audit_actions() == [
        "activity.partner_requested",
        "activity.partner_accepted",
        "activity.partner_removed",
    ]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "activity.partner_removed"))
    assert entry.organisation_id == named["partner"].id
    assert entry.user_id == named["partner_member"].id


def test_declining_removes_the_tag(client, login, named):
    login(named["partner_admin"])
    response = client.post(named["actions"] + "/decline", follow_redirects=True)
    assert "You have declined" in response.text and "Partner requests" not in response.text
    assert db.session.scalars(select(PartnerTag)).all() == []
    assert audit_actions()[-1] == "activity.partner_declined"
    # A declined request cannot be accepted afterwards.
    assert client.post(named["actions"] + "/accept").status_code == 404


def test_a_third_organisation_cannot_answer_for_the_named_one(client, login, named):
    login(named["third_member"])
    # Not a member of the named organisation: refused.
    assert client.post(named["actions"] + "/accept").status_code == 403
    # Its own organisation is not named on the activity: there is nothing to accept.
    third = f"/orgs/{named['third'].id}/activities/{named['activity'].id}/partner/accept"
    assert client.post(third).status_code == 404
    # Nor may the lead accept on the partner's behalf.
    client.post("/sign-out")
    login(member_of(named["lead"]))
    assert client.post(named["actions"] + "/accept").status_code == 403
    tag = db.session.scalar(select(PartnerTag))
    assert tag.status == "pending"
    assert audit_actions() == ["activity.partner_requested"]


def test_an_accepted_tag_cannot_be_accepted_twice_nor_a_pending_one_removed(client, login, named):
    login(named["partner_member"])
    refused = client.post(named["actions"] + "/remove", follow_redirects=True)
    assert "has not accepted this tag yet" in refused.text
    client.post(named["actions"] + "/accept")
    again = client.post(named["actions"] + "/accept", follow_redirects=True)
    assert "already been answered" in again.text
    assert audit_actions() == ["activity.partner_requested", "activity.partner_accepted"]


def test_saving_the_activity_again_keeps_an_accepted_tag_accepted(client, login, named):
    login(named["partner_member"])
    client.post(named["actions"] + "/accept")
    client.post("/sign-out")
    login(member_of(named["lead"]))
    response = client.post(
        f"/orgs/{named['lead'].id}/activities/{named['activity'].id}/edit",
        data=form_data(title="Reading buddies", partners=[str(named["partner"].id)]),
    )
    assert response.status_code == 302
    assert [t.status for t in db.session.scalars(select(PartnerTag))] == ["accepted"]
    assert audit_actions().count("activity.partner_requested") == 1


def test_a_pending_partner_sees_a_private_activity_to_decide(client, login):
    lead, partner = OrganisationFactory(), OrganisationFactory()
    activity = ActivityFactory(lead_organisation=lead, pending_partners=[partner], is_public=False)
    login(member_of(partner))
    assert client.get(f"/activities/{activity.id}").status_code == 200
