"""Who hears about an organisation, and what a suspended organisation counts towards."""

from __future__ import annotations

from datetime import timedelta

from portal.assessment.frameworks import load_frameworks
from portal.assessment.services import current_year, results_for
from portal.core.models import utcnow
from portal.extensions import db
from portal.orgs import services
from portal.orgs.models import STATUS_SUSPENDED
from portal.pledges.catalogue import load_catalogue
from portal.pledges.jobs import send_overdue_update_reminders
from tests.assessment.factories import join_network, make_assessment, network_peers
from tests.factories import OrganisationFactory, admin_of, member_of, platform_admin
from tests.pledges.factories import make_pledge


def _deactivate(user) -> None:
    user.is_active_account = False
    db.session.commit()


def test_recipients_are_active_members_with_the_role():
    organisation = OrganisationFactory()
    active = admin_of(organisation, email="active-admin@example.org")
    gone = admin_of(organisation, email="gone-admin@example.org")
    member = member_of(organisation, email="member@example.org")
    _deactivate(gone)
    assert services.recipients(organisation.id) == [active]
    assert services.recipients(organisation.id, None) == [active, member]
    _deactivate(active)
    assert services.recipients(organisation.id) == []
    assert services.recipients(organisation.id, or_everyone=True) == [member]


def test_deactivated_users_get_no_pledge_reminders_or_organisation_emails(client, login, outbox):
    organisation = OrganisationFactory()
    admin_of(organisation, email="still-here@example.org")
    _deactivate(admin_of(organisation, email="left@example.org"))
    load_catalogue()
    today = utcnow().date()
    make_pledge(organisation, start=today - timedelta(days=120), end=today + timedelta(days=365))
    assert send_overdue_update_reminders() == 1
    login(platform_admin())
    client.post(f"/admin/organisations/{organisation.id}/status", data={"status": STATUS_SUSPENDED})
    assert len(outbox.to("still-here@example.org")) == 2
    assert outbox.to("left@example.org") == []


def test_suspended_organisations_count_in_no_benchmark_or_home_figure(client, login):
    load_frameworks()
    year = current_year()
    user = member_of()
    organisation = user.memberships[0].organisation
    join_network(organisation, "anchor")
    assessment = make_assessment(organisation, year, level=3)
    peers = network_peers(4, year, level=1)
    assert results_for(assessment).benchmark_count == 5
    home = client.get("/").get_data(as_text=True)
    peers[0].status = STATUS_SUSPENDED
    db.session.commit()
    assert results_for(assessment).benchmark_count == 4
    assert not results_for(assessment).benchmark_shown
    count, networks = services.partnership_figures()
    assert count == 4  # ours and three peers: the suspended one is gone
    assert {n.code: c for n, c in networks}["anchor"] == 4
    assert client.get("/").get_data(as_text=True) != home
