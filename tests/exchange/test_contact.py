"""Issue 10, item 17: accepting an exchange publishes nobody's email address; each side opts in."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditLog
from portal.exchange.models import MATCH_ACCEPTED
from portal.extensions import db
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, admin_of, vcse


def accepted_match():
    group = vcse(name="Gipton Food Share")
    anchor = OrganisationFactory(name="Leeds Hospital")
    group_admin = admin_of(group, email="group@example.org", name="Gina Group")
    anchor_admin = admin_of(anchor, email="anchor@example.org", name="Andy Anchor")
    match = MatchFactory(
        offer=offer(organisation=anchor, created_by=anchor_admin),
        request=request(organisation=group, created_by=group_admin),
        initiated_by_organisation_id=anchor.id,
        status=MATCH_ACCEPTED,
    )
    db.session.commit()
    return match, group_admin, anchor_admin


def test_accepting_shares_no_address_and_the_thread_is_the_default(client, login, outbox):
    match, group_admin, anchor_admin = accepted_match()
    login(anchor_admin)
    page = client.get(f"/exchange/matches/{match.id}")
    assert b"group@example.org" not in page.data
    assert b"Talk through the messages below" in page.data
    assert b"Share our contact details" in page.data
    login(group_admin)
    assert b"anchor@example.org" not in client.get(f"/exchange/matches/{match.id}").data


def test_a_side_that_shares_is_seen_by_the_other_and_it_is_audited(client, login):
    match, group_admin, anchor_admin = accepted_match()
    login(group_admin)
    response = client.post(f"/exchange/matches/{match.id}/contact/share")
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "exchange.contact_shared"))
    assert entry is not None and entry.organisation_id == match.request_organisation_id

    login(anchor_admin)
    page = client.get(f"/exchange/matches/{match.id}")
    assert b"group@example.org" in page.data  # the side that shared
    # The anchor has not shared, so its address stays hidden from the group.
    login(group_admin)
    page = client.get(f"/exchange/matches/{match.id}")
    assert b"anchor@example.org" not in page.data
    assert b"Stop sharing our contact details" in page.data

    client.post(f"/exchange/matches/{match.id}/contact/stop")
    login(anchor_admin)
    assert b"group@example.org" not in client.get(f"/exchange/matches/{match.id}").data
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "exchange.contact_unshared"))


def test_contact_cannot_be_shared_before_acceptance(client, login):
    match, group_admin, _anchor_admin = accepted_match()
    match.status = "interested"
    db.session.commit()
    login(group_admin)
    client.post(f"/exchange/matches/{match.id}/contact/share")
    db.session.expire_all()
    assert match.request_contact_shared_at is None
