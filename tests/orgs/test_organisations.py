"""Registering organisations, approval, the directory, networks and member management."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.models import AuditLog, Ward
from portal.extensions import db
from portal.orgs.models import Network, NetworkMembership, Organisation
from tests.factories import OrganisationFactory, UserFactory, admin_of, member_of, platform_admin


def _form(**overrides):
    ward = db.session.scalar(select(Ward).where(Ward.name == "Gipton & Harehills"))
    data = {
        "name": "Harehills Pantry",
        "kind": "vcse",
        "description": "Food and friendship.",
        "size_band": "micro",
        "charity_number": "1123456",
        "company_number": "",
        "website": "https://pantry.example.org",
        "wards": [ward.id],
    }
    data.update(overrides)
    return data


def test_registering_an_organisation_makes_it_pending_with_the_creator_as_admin(client, login):
    user = UserFactory()
    login(user)
    response = client.post("/organisations/register", data=_form(), follow_redirects=True)
    assert response.status_code == 200
    assert "waiting for approval" in response.get_data(as_text=True)
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Harehills Pantry")
    )
    assert organisation.status == "pending"
    assert organisation.identifiers == ["GB-CHC-1123456"]
    assert [w.name for w in organisation.wards] == ["Gipton & Harehills"]
    db.session.refresh(user)
    assert user.membership_of(organisation.id).role == "admin"
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "organisation.registered"))
        is not None
    )


def test_pending_organisation_is_not_public_and_cannot_join_a_network(client, login):
    user = UserFactory()
    login(user)
    client.post("/organisations/register", data=_form())
    organisation = db.session.scalar(select(Organisation))
    network = db.session.scalar(select(Network).where(Network.code == "community"))
    response = client.post(f"/orgs/{organisation.id}/networks", data={"network": network.id})
    assert "can ask to join a network once" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(NetworkMembership.id))) == 0
    client.post("/sign-out")
    assert "Harehills Pantry" not in client.get("/organisations").get_data(as_text=True)
    assert client.get(f"/organisations/{organisation.id}").status_code == 404


def test_invalid_organisation_details_give_field_messages_and_save_nothing(client, login):
    login(UserFactory())
    cases = [
        ({"name": ""}, "Enter the organisation&#39;s name"),
        ({"charity_number": "12AB"}, "Enter a charity number in the correct format"),
        ({"company_number": "123"}, "Enter a company number of 8 characters"),
        ({"website": "javascript:alert(1)"}, "Enter a website address starting with https://"),
        ({"wards": []}, "Choose at least one ward"),
        ({"wards": [99999]}, "Choose from the options given"),
        ({"kind": "spaceship"}, "Choose from the options given"),
        ({"size_band": ""}, "Choose the organisation&#39;s size"),
        ({"description": "x" * 4000}, "3,000 characters or fewer"),
    ]
    for overrides, message in cases:
        response = client.post("/organisations/register", data=_form(**overrides))
        assert response.status_code == 200, overrides
        assert message in response.get_data(as_text=True), overrides
    assert db.session.scalar(select(func.count(Organisation.id))) == 0


def test_admin_approves_and_the_organisation_can_then_publish(client, login, outbox):
    creator = admin_of(
        OrganisationFactory(status="pending", name="Pending Group"), email="creator@example.org"
    )
    organisation = creator.memberships[0].organisation
    login(platform_admin())
    assert "Pending Group" in client.get("/admin/organisations").get_data(as_text=True)
    response = client.post(
        f"/admin/organisations/{organisation.id}/status", data={"status": "approved"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert organisation.can_publish
    assert [m["Subject"] for m in outbox.to("creator@example.org")] == [
        "Pending Group is now approved"
    ]
    assert (
        client.post(
            f"/admin/organisations/{organisation.id}/status", data={"status": "bogus"}
        ).status_code
        == 400
    )


def test_network_request_is_decided_by_an_admin_and_the_organisation_is_emailed(
    client, login, outbox
):
    org_admin = admin_of(email="lead@example.org")
    organisation = org_admin.memberships[0].organisation
    network = db.session.scalar(select(Network).where(Network.code == "anchor"))
    login(org_admin)
    response = client.post(f"/orgs/{organisation.id}/networks", data={"network": network.id})
    assert response.status_code == 302
    request = db.session.scalar(select(NetworkMembership))
    assert request.status == "requested"
    # Asking twice is refused with a message.
    again = client.post(f"/orgs/{organisation.id}/networks", data={"network": network.id})
    assert again.status_code == 200
    client.post("/sign-out")
    login(platform_admin())
    client.post(f"/admin/network-requests/{request.id}", data={"decision": "accept"})
    db.session.expire_all()
    assert request.status == "accepted"
    assert organisation.networks == [network]
    [message] = outbox.to("lead@example.org")
    assert "accepted" in message.get_payload(decode=True).decode()
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "network.accepted"))
    assert audit.organisation_id == organisation.id


def test_directory_filters_and_paginates(client):
    for index in range(25):
        OrganisationFactory(name=f"Alpha {index:02d}")
    OrganisationFactory(name="Beta Trust", kind="vcse")
    OrganisationFactory(name="Hidden Pending", status="pending")
    first = client.get("/organisations").get_data(as_text=True)
    assert "26 organisations" in first and "Hidden Pending" not in first
    assert "Page 1 of 2" in first
    assert "Beta Trust" in client.get("/organisations?q=beta").get_data(as_text=True)
    vcse_only = client.get("/organisations?kind=vcse").get_data(as_text=True)
    assert "1 organisation<" in vcse_only
    # Nonsense filters never break the page.
    assert client.get("/organisations?ward=abc&page=-4&kind=%3Cscript%3E").status_code == 200
    assert client.get("/organisations?q=%25_").status_code == 200


def test_directory_query_count_does_not_grow_with_rows(client, count_queries):
    OrganisationFactory()
    with count_queries() as few:
        client.get("/organisations")
    for _ in range(15):
        OrganisationFactory()
    with count_queries() as many:
        client.get("/organisations")
    assert many.count == few.count


def test_member_management_keeps_one_admin(client, login):
    org_admin = admin_of()
    organisation = org_admin.memberships[0].organisation
    colleague = member_of(organisation)
    login(org_admin)
    own = org_admin.memberships[0]
    response = client.post(
        f"/orgs/{organisation.id}/members/{own.id}/role", data={"role": "member"}
    )
    assert "must keep at least one administrator" in response.get_data(as_text=True)
    colleague_membership = colleague.memberships[0]
    client.post(
        f"/orgs/{organisation.id}/members/{colleague_membership.id}/role", data={"role": "admin"}
    )
    db.session.expire_all()
    assert colleague_membership.role == "admin"
    client.post(f"/orgs/{organisation.id}/members/{colleague_membership.id}/remove")
    db.session.expire_all()
    assert colleague.membership_of(organisation.id) is None
    assert (
        db.session.scalar(select(AuditLog).where(AuditLog.action == "member.removed")) is not None
    )


def test_user_text_is_escaped(client, login):
    organisation = OrganisationFactory(name="<script>alert(1)</script>", description="<b>bold</b>")
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<b>bold</b>" not in page


def test_profile_website_is_a_working_link_with_the_address_escaped(client):
    organisation = OrganisationFactory(website='https://pantry.example.org/?a="b"&c=<d>')
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert (
        '<a class="govuk-link" rel="nofollow noopener" '
        'href="https://pantry.example.org/?a=&#34;b&#34;&amp;c=&lt;d&gt;">'
    ) in page
    assert "&lt;a class" not in page


def test_refreshing_the_registered_page_registers_nothing(client, login):
    login(UserFactory())
    response = client.post("/organisations/register", data=_form())
    assert response.status_code == 302
    confirmation = response.headers["Location"]
    for _ in range(2):  # the browser's refresh repeats the GET, not the POST
        page = client.get(confirmation)
        assert page.status_code == 200
        assert "Organisation registered" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 1


def test_admin_is_warned_of_likely_duplicates_on_the_approval_page(client, login):
    OrganisationFactory(name="The Harehills Pantry Ltd", charity_number=None)
    OrganisationFactory(name="Pantry of Harehills", charity_number="1123456")
    OrganisationFactory(name="Unrelated Group", charity_number="7654321")
    login(UserFactory())
    client.post("/organisations/register", data=_form())
    client.post("/organisations/register", data=_form(name="Seacroft Sheds", charity_number=""))
    client.post("/sign-out")
    login(platform_admin())
    page = client.get("/admin/organisations?status=pending").get_data(as_text=True)
    rows = page.split('<tr class="govuk-table__row">')
    [pantry] = [row for row in rows if ">Harehills Pantry</a>" in row]
    [sheds] = [row for row in rows if ">Seacroft Sheds</a>" in row]
    assert "Possible duplicate" in pantry
    assert "The Harehills Pantry Ltd</a> (approved) has the same name" in pantry
    assert "Pantry of Harehills</a> (approved) has the same charity number (1123456)" in pantry
    assert "Unrelated Group" not in pantry
    assert "Possible duplicate" not in sheds


def test_admins_hear_of_registrations_and_network_requests_with_a_person_to_reply_to(
    client, login, outbox
):
    admin = platform_admin(email="platform@example.org", name="Priya Admin")
    retired = platform_admin(email="retired-admin@example.org")
    retired.is_active_account = False
    db.session.commit()
    registrant = UserFactory(email="founder@example.org", name="Sam Founder")
    login(registrant)
    client.post("/organisations/register", data=_form())
    [message] = outbox.to("platform@example.org")
    assert message["Subject"] == "New organisation to approve: Harehills Pantry"
    assert message["Reply-To"] == "founder@example.org"
    assert "/admin/organisations?status=pending" in outbox.body(message)
    assert outbox.to("retired-admin@example.org") == []

    org_admin = admin_of(email="org-admin@example.org", name="Olu Admin")
    organisation = org_admin.memberships[0].organisation
    network = db.session.scalar(select(Network).where(Network.code == "community"))
    client.post("/sign-out")
    login(org_admin)
    client.post(f"/orgs/{organisation.id}/networks", data={"network": network.id})
    request_message = outbox.to("platform@example.org")[-1]
    assert request_message["Subject"] == f"{organisation.name} asks to join {network.name}"
    assert request_message["Reply-To"] == "org-admin@example.org"

    client.post("/sign-out")
    login(admin)
    request = db.session.scalar(select(NetworkMembership))
    client.post(f"/admin/network-requests/{request.id}", data={"decision": "decline"})
    [decision] = outbox.to("org-admin@example.org")
    body = outbox.body(decision)
    assert "convenor" not in body
    assert "Priya Admin" in body
    assert decision["Reply-To"] == "platform@example.org"
