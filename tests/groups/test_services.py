"""The rules of membership, leads and update emails, without the pages."""

from __future__ import annotations

import pytest

from portal.accounts.models import Membership
from portal.extensions import db
from portal.groups import services
from portal.groups.models import DECLINED, LEFT, MEMBER, MEMBERS_ONLY, REQUESTED, GroupMembership
from portal.orgs.models import STATUS_PENDING
from tests.factories import OrganisationFactory, UserFactory, admin_of, member_of, platform_admin
from tests.groups.factories import make_group


def test_the_creators_organisation_is_the_first_member_and_the_creator_a_lead() -> None:
    group, lead = make_group()
    assert services.member_organisation_ids(group.id) == {lead.memberships[0].organisation_id}
    assert services.leads_of(group) == [lead]
    assert services.is_lead(group, lead)


def test_a_platform_admin_outside_the_organisation_makes_its_admins_leads() -> None:
    organisation = OrganisationFactory()
    admin = admin_of(organisation)
    member_of(organisation)
    group = services.create_group(
        name="Scope 3",
        purpose="Emissions",
        visibility="open",
        organisation=organisation,
        creator=platform_admin(),
    )
    assert services.leads_of(group) == [admin]


def test_a_request_is_asked_once_and_answered_once() -> None:
    group, lead = make_group()
    organisation = OrganisationFactory()
    asker = admin_of(organisation)
    found = services.request_to_join(group, organisation, asker)
    assert found.status == REQUESTED
    with pytest.raises(services.GroupError, match="already asked"):
        services.request_to_join(group, organisation, asker)
    services.decide_request(found, accept=False, lead=lead)
    assert found.status == DECLINED
    with pytest.raises(services.GroupError, match="already been answered"):
        services.decide_request(found, accept=True, lead=lead)
    # Declined organisations may ask again later.
    assert services.request_to_join(group, organisation, asker).status == REQUESTED


def test_a_pending_organisation_cannot_ask_to_join() -> None:
    group, _lead = make_group()
    organisation = OrganisationFactory(status=STATUS_PENDING)
    with pytest.raises(services.GroupError, match="approved"):
        services.request_to_join(group, organisation, admin_of(organisation))


def test_leaving_takes_the_leads_away_but_the_last_leads_cannot_leave() -> None:
    other = OrganisationFactory()
    group, lead = make_group(members=(other,))
    with pytest.raises(services.GroupError, match="only leads"):
        services.leave(group, lead.memberships[0].organisation_id)
    other_person = member_of(other)
    services.add_lead(group, other_person)
    services.leave(group, lead.memberships[0].organisation_id)
    assert services.leads_of(group) == [other_person]
    row = (
        db.session.query(GroupMembership)
        .filter_by(organisation_id=lead.memberships[0].organisation_id)
        .one()
    )
    assert row.status == LEFT
    assert not services.is_member(group, lead)


def test_leads_are_people_of_member_organisations_and_one_always_remains() -> None:
    group, lead = make_group()
    with pytest.raises(services.GroupError, match="member organisation"):
        services.add_lead(group, UserFactory())
    with pytest.raises(services.GroupError, match="at least one lead"):
        services.remove_lead(group, lead.id)


def test_an_update_emails_the_member_organisations_people_only(outbox) -> None:
    other = OrganisationFactory()
    group, lead = make_group(visibility=MEMBERS_ONLY, members=(other,))
    colleague = member_of(lead.memberships[0].organisation)
    partner = member_of(other)
    outsider = admin_of(OrganisationFactory())
    services.post_update(group, lead, "Minutes are attached.")
    db.session.commit()
    addresses = {m["To"] for m in outbox.messages}
    assert addresses == {colleague.email, partner.email}
    assert outsider.email not in addresses and lead.email not in addresses
    assert "Minutes are attached." in outbox.body(outbox.to(partner.email)[0])


def test_members_only_groups_are_seen_by_members_and_platform_admins_only() -> None:
    group, lead = make_group(visibility=MEMBERS_ONLY)
    assert services.can_see(group, lead)
    assert services.can_see(group, platform_admin())
    assert not services.can_see(group, admin_of(OrganisationFactory()))
    seen = db.session.scalars(services.visible_groups_query(UserFactory())).all()
    assert group not in seen
    assert services.matching_updates(UserFactory(), "anything") == []
    assert db.session.query(GroupMembership).filter_by(status=MEMBER).count() == 1


def test_a_former_member_is_not_emailed_and_a_person_in_two_members_once(outbox) -> None:
    leaving, staying = OrganisationFactory(), OrganisationFactory()
    group, lead = make_group(members=(leaving, staying))
    former = member_of(leaving)
    both = member_of(staying)
    db.session.add(Membership(user_id=both.id, organisation_id=lead.memberships[0].organisation_id))
    db.session.commit()
    services.leave(group, leaving.id)
    services.post_update(group, lead, "After the reshuffle")
    db.session.commit()
    addresses = [m["To"] for m in outbox.messages]
    assert addresses == [both.email]
    assert former.email not in addresses


def test_update_emails_follow_each_persons_choice_for_group_updates(outbox) -> None:
    """Straight away (with the link to change it), in the weekly digest, or not at all; and
    a members-only group's update reaches a digest only of a member."""
    from portal.notifications import jobs as notification_jobs
    from portal.notifications.kinds import DIGEST, GROUP_UPDATES, NONE
    from portal.notifications.models import DigestItem
    from portal.notifications.services import set_choice

    other, third = OrganisationFactory(), OrganisationFactory()
    group, lead = make_group(visibility=MEMBERS_ONLY, members=(other, third))
    now, weekly, never = member_of(other), member_of(third), member_of(other)
    outsider = member_of(OrganisationFactory())
    set_choice(weekly.id, GROUP_UPDATES, DIGEST)
    set_choice(never.id, GROUP_UPDATES, NONE)
    set_choice(outsider.id, GROUP_UPDATES, DIGEST)
    db.session.commit()
    services.post_update(group, lead, "The members-only minutes")
    db.session.commit()

    assert {m["To"] for m in outbox.messages} == {now.email}
    assert "/email-choices/" in outbox.body(outbox.to(now.email)[0])
    [kept] = db.session.query(DigestItem).all()
    assert kept.user_id == weekly.id and "The members-only minutes" in kept.body

    notification_jobs.send_weekly_digests()
    [digest] = outbox.to(weekly.email)
    assert "The members-only minutes" in outbox.body(digest)
    assert outbox.to(never.email) == [] and outbox.to(outsider.email) == []
