"""The working group pages as people use them: the index and its search, creating a group,
asking to join and answering, leaving, leads, updates with attachments, resources, actions
and their CSV, the messages for bad input, and members-only groups kept from everyone else."""

from __future__ import annotations

import io
from datetime import date

import pytest

from portal.core.models import AuditLog
from portal.extensions import db
from portal.groups import services
from portal.groups.models import (
    DONE,
    MEMBER,
    MEMBERS_ONLY,
    REQUESTED,
    GroupAction,
    GroupMembership,
    GroupResource,
    GroupUpdate,
    WorkingGroup,
)
from portal.orgs.models import STATUS_PENDING, STATUS_SUSPENDED
from tests.factories import OrganisationFactory, UserFactory, admin_of, member_of
from tests.groups.factories import PDF, make_group
from tests.insights.test_pages import page_text


def _hidden_group() -> tuple[WorkingGroup, object, int, int]:
    """A members-only group with an update (with a file), a resource file and an action."""
    group, lead = make_group(visibility=MEMBERS_ONLY, name="Directors' forum")
    stored = services.add_file(group, "budget.pdf", PDF, lead)
    services.post_update(group, lead, "Confidential budget planning", stored)
    action = services.add_action(
        group,
        lead,
        title="Draft the proposal",
        owner_organisation_id=lead.memberships[0].organisation_id,
        due_on=date(2027, 3, 1),
    )
    db.session.commit()
    return group, lead, stored.id, action.id


# ---------------------------------------------------------------- index and search


def test_the_index_says_when_there_are_no_groups_and_needs_sign_in(client, login) -> None:
    assert client.get("/groups").status_code == 302
    login(UserFactory())
    assert "No working groups yet" in page_text(client.get("/groups"))


def test_search_finds_groups_and_updates_the_viewer_may_see_only(client, login) -> None:
    open_group, lead = make_group(name="Social value in purchasing")
    services.post_update(open_group, lead, "Meet the buyer day is booked")
    db.session.commit()
    _hidden_group()
    outsider = admin_of(OrganisationFactory())
    login(outsider)
    text = page_text(client.get("/groups"))
    assert "1 group " in text and "Social value in purchasing" in text
    assert "Directors' forum" not in text
    assert "Social value" in page_text(client.get("/groups?q=buyer"))
    assert "Meet the buyer day is booked" in page_text(client.get("/groups?q=buyer"))
    hidden = page_text(client.get("/groups?q=confidential"))
    assert "Confidential budget" not in hidden and "Directors' forum" not in hidden
    assert "No groups match" in hidden
    # Wildcards are searched as text, and a long search is cut, not a 500.
    assert "No groups match" in page_text(client.get("/groups?q=%25%25"))
    assert client.get("/groups?q=" + "x" * 5000).status_code == 200


def test_members_find_their_members_only_group_in_search(client, login) -> None:
    _group, lead, _file_id, _action_id = _hidden_group()
    login(lead)
    text = page_text(client.get("/groups?q=confidential"))
    assert "Directors' forum" in text and "Confidential budget planning" in text


# ---------------------------------------------------------------- members-only is a 404


def test_members_only_pages_files_and_exports_are_not_found_for_others(client, login) -> None:
    group, lead, file_id, action_id = _hidden_group()
    paths = [
        f"/groups/{group.id}",
        f"/groups/{group.id}/files/{file_id}",
        f"/groups/{group.id}/actions.csv",
        f"/groups/{group.id}/join",
        f"/groups/{group.id}/members",
        f"/groups/{group.id}/updates/new",
        f"/groups/{group.id}/actions/{action_id}/edit",
    ]
    login(admin_of(OrganisationFactory()))
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/groups/{group.id}/updates/new", data={"body": "x"}).status_code == 404
    assert db.session.query(GroupUpdate).count() == 1
    client.post("/sign-out")
    login(lead)
    for path in paths[:3]:
        assert client.get(path).status_code == 200, path
    download = client.get(f"/groups/{group.id}/files/{file_id}")
    assert download.data == PDF and "private" in download.headers["Cache-Control"]


def test_a_file_of_one_group_is_not_reached_through_another(client, login) -> None:
    _group, _lead, file_id, _action_id = _hidden_group()
    other, other_lead = make_group()
    login(other_lead)
    assert client.get(f"/groups/{other.id}/files/{file_id}").status_code == 404


def test_an_open_group_is_seen_by_everyone_signed_in_but_only_members_post(client, login) -> None:
    group, _lead = make_group()
    login(UserFactory())
    assert "Inclusive recruitment" in page_text(client.get(f"/groups/{group.id}"))
    assert "Post an update" not in page_text(client.get(f"/groups/{group.id}"))
    assert client.get(f"/groups/{group.id}/updates/new").status_code == 403
    assert client.get(f"/groups/{group.id}/members").status_code == 403


# ---------------------------------------------------------------- creating a group


def test_an_organisation_admin_creates_a_group_and_leads_it(client, login) -> None:
    organisation = OrganisationFactory(name="Leeds Teaching Hospitals")
    admin = admin_of(organisation)
    login(admin)
    response = client.post(
        f"/orgs/{organisation.id}/groups/new",
        data={
            "name": "Scope 3 emissions",
            "purpose": "Cut supply chain emissions",
            "visibility": "open",
        },
        follow_redirects=True,
    )
    text = page_text(response)
    assert "Scope 3 emissions is created" in text
    group = db.session.query(WorkingGroup).one()
    assert services.member_organisation_ids(group.id) == {organisation.id}
    assert services.leads_of(group) == [admin]


def test_a_plain_member_cannot_create_a_group(client, login) -> None:
    organisation = OrganisationFactory()
    login(member_of(organisation))
    assert client.get(f"/orgs/{organisation.id}/groups/new").status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "purpose": "p", "visibility": "open"}, "Enter the group's name"),
        ({"name": "x" * 121, "purpose": "p", "visibility": "open"}, "120 characters or fewer"),
        ({"name": "n", "purpose": "", "visibility": "open"}, "Enter what the group is for"),
        ({"name": "n", "purpose": "p"}, "Choose who can see the group"),
        ({"name": "n", "purpose": "p", "visibility": "secret"}, "Choose from the options given"),
        ({"name": "n", "purpose": "p", "visibility": "open", "ambitions": "99999"}, ""),
        ({"name": "n", "purpose": "p", "visibility": "open", "ambitions": "abc"}, ""),
    ],
)
def test_the_group_form_explains_bad_input(client, login, data, message) -> None:
    organisation = OrganisationFactory()
    login(admin_of(organisation))
    response = client.post(f"/orgs/{organisation.id}/groups/new", data=data)
    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    assert message in page_text(response)
    assert db.session.query(WorkingGroup).count() == 0


# ---------------------------------------------------------------- joining


def test_a_request_to_join_is_accepted_and_the_organisations_admins_emailed(
    client, login, outbox
) -> None:
    group, lead = make_group()
    joining = OrganisationFactory(name="Leeds Beckett University")
    asker, other_admin = admin_of(joining), admin_of(joining)
    plain = member_of(joining)
    login(asker)
    response = client.post(
        f"/groups/{group.id}/join", data={"organisation": joining.id}, follow_redirects=True
    )
    assert "Leeds Beckett University has asked to join" in page_text(response)
    waiting = page_text(client.get(f"/groups/{group.id}"))
    assert "Ask to join this group" not in waiting
    assert "Leeds Beckett University has asked to join. A lead" in waiting
    client.post("/sign-out")

    login(lead)
    page = page_text(client.get(f"/groups/{group.id}/members"))
    assert "Leeds Beckett University, asked" in page
    request_id = db.session.query(GroupMembership).filter_by(status=REQUESTED).one().id
    response = client.post(
        f"/groups/{group.id}/requests/{request_id}/accept", follow_redirects=True
    )
    assert "Leeds Beckett University is now a member" in page_text(response)
    assert {m["To"] for m in outbox.messages} == {asker.email, other_admin.email}
    assert plain.email not in {m["To"] for m in outbox.messages}
    assert "is now a member" in outbox.body(outbox.to(asker.email)[0])
    assert joining.id in services.member_organisation_ids(group.id)


def test_a_declined_organisation_is_told_and_stays_out(client, login, outbox) -> None:
    group, lead = make_group()
    joining = OrganisationFactory()
    asker = admin_of(joining)
    found = services.request_to_join(group, joining, asker)
    db.session.commit()
    login(lead)
    client.post(f"/groups/{group.id}/requests/{found.id}/decline")
    assert "declined" in outbox.to(asker.email)[0]["Subject"]
    assert joining.id not in services.member_organisation_ids(group.id)
    # Answering twice is refused with a message, not a 500.
    response = client.post(f"/groups/{group.id}/requests/{found.id}/accept", follow_redirects=True)
    assert "already been answered" in page_text(response)


def test_the_join_form_refuses_an_organisation_the_person_does_not_administer(
    client, login
) -> None:
    group, _lead = make_group()
    mine = OrganisationFactory()
    login(admin_of(mine))
    someone_elses = OrganisationFactory()
    for value in (someone_elses.id, "", "abc", "99999999999999999999"):
        response = client.post(f"/groups/{group.id}/join", data={"organisation": value})
        assert response.status_code == 200
        assert "There is a problem" in page_text(response)
    assert db.session.query(GroupMembership).filter_by(status=REQUESTED).count() == 0


def test_only_a_lead_of_this_group_answers_its_requests(client, login) -> None:
    group, _lead = make_group()
    joining = OrganisationFactory()
    found = services.request_to_join(group, joining, admin_of(joining))
    _other_group, other_lead = make_group(name="Another group")
    db.session.commit()
    login(other_lead)
    assert client.post(f"/groups/{group.id}/requests/{found.id}/accept").status_code == 403
    assert db.session.get(GroupMembership, found.id).status == REQUESTED


def test_a_lead_adds_an_organisation_to_a_members_only_group(client, login, outbox) -> None:
    group, lead = make_group(visibility=MEMBERS_ONLY)
    joining = OrganisationFactory(name="Leeds Trinity University")
    admin, plain = admin_of(joining), member_of(joining)
    assert client.get("/groups").status_code == 302
    login(plain)
    assert client.get(f"/groups/{group.id}").status_code == 404
    client.post("/sign-out")
    login(lead)
    pending = OrganisationFactory(status=STATUS_PENDING)
    for value in ("", "abc", pending.id, lead.memberships[0].organisation_id):
        response = client.post(f"/groups/{group.id}/members/add", data={"organisation": value})
        assert response.status_code == 400 and "There is a problem" in page_text(response)
    response = client.post(
        f"/groups/{group.id}/members/add", data={"organisation": joining.id}, follow_redirects=True
    )
    assert "Leeds Trinity University is now a member" in page_text(response)
    assert [m["To"] for m in outbox.messages] == [admin.email]
    client.post("/sign-out")
    login(plain)
    assert client.get(f"/groups/{group.id}").status_code == 200


def test_only_leads_add_organisations(client, login) -> None:
    other = OrganisationFactory()
    group, _lead = make_group(members=(other,))
    login(admin_of(other))
    outsider = OrganisationFactory()
    response = client.post(f"/groups/{group.id}/members/add", data={"organisation": outsider.id})
    assert response.status_code == 403
    assert outsider.id not in services.member_organisation_ids(group.id)


# ---------------------------------------------------------------- leaving and leads


def test_an_organisation_leaves_after_confirming(client, login) -> None:
    other = OrganisationFactory(name="Leeds City Council")
    group, _lead = make_group(members=(other,))
    admin = admin_of(other)
    login(admin)
    assert "Leave the group" in page_text(client.get(f"/groups/{group.id}/leave"))
    response = client.post(
        f"/groups/{group.id}/leave", data={"organisation": other.id}, follow_redirects=True
    )
    assert "Leeds City Council has left" in page_text(response)
    assert other.id not in services.member_organisation_ids(group.id)


def test_the_last_leads_organisation_is_told_it_cannot_leave(client, login) -> None:
    group, lead = make_group()
    login(lead)
    response = client.post(
        f"/groups/{group.id}/leave", data={"organisation": lead.memberships[0].organisation_id}
    )
    assert "only leads" in page_text(response)
    assert services.member_organisation_ids(group.id) == {lead.memberships[0].organisation_id}


def test_leads_add_and_remove_leads_among_members_people(client, login) -> None:
    other = OrganisationFactory()
    group, lead = make_group(members=(other,))
    partner = member_of(other, name="Priya Shah")
    outsider = UserFactory()
    login(lead)
    bad = client.post(f"/groups/{group.id}/leads", data={"person": outsider.id})
    assert bad.status_code == 400 and "There is a problem" in page_text(bad)
    assert client.post(f"/groups/{group.id}/leads", data={"person": ""}).status_code == 400
    response = client.post(
        f"/groups/{group.id}/leads", data={"person": partner.id}, follow_redirects=True
    )
    assert "Priya Shah is now a lead" in page_text(response)
    client.post(f"/groups/{group.id}/leads/{lead.id}/remove")
    assert services.leads_of(group) == [partner]
    # The last lead stays.
    client.post("/sign-out")
    login(partner)
    response = client.post(f"/groups/{group.id}/leads/{partner.id}/remove", follow_redirects=True)
    assert "at least one lead" in page_text(response)


# ---------------------------------------------------------------- updates


def test_a_member_posts_an_update_with_an_attachment_newest_first(client, login, outbox) -> None:
    other = OrganisationFactory()
    group, lead = make_group(members=(other,))
    partner = member_of(other)
    outsider = member_of(OrganisationFactory())
    services.post_update(group, lead, "An older update")
    db.session.commit()
    login(lead)
    response = client.post(
        f"/groups/{group.id}/updates/new",
        data={
            "body": "<script>alert(1)</script> Minutes",
            "file": (io.BytesIO(PDF), "minutes.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    text = page_text(response)
    assert text.index("Minutes") < text.index("An older update")
    assert "minutes.pdf" in text
    assert partner.email in {m["To"] for m in outbox.messages}
    assert outsider.email not in {m["To"] for m in outbox.messages}
    update = db.session.query(GroupUpdate).order_by(GroupUpdate.id.desc()).first()
    assert client.get(f"/groups/{group.id}/files/{update.file_id}").data == PDF


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Enter the update"),
        ({"body": "x" * 5001}, "5,000 characters or fewer"),
        ({"body": "ok", "file": (io.BytesIO(b"MZ not a pdf"), "minutes.pdf")}, "not a real PDF"),
        ({"body": "ok", "file": (io.BytesIO(b"#!/bin/sh"), "run.sh")}, "must be a PDF"),
        ({"body": "ok", "file": (io.BytesIO(b""), "empty.pdf")}, "is empty"),
    ],
)
def test_the_update_form_explains_bad_input(client, login, outbox, data, message) -> None:
    group, lead = make_group(members=(OrganisationFactory(),))
    login(lead)
    response = client.post(
        f"/groups/{group.id}/updates/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.query(GroupUpdate).count() == 0
    assert outbox.messages == []


def test_an_oversized_attachment_is_refused(app, client, login) -> None:
    group, lead = make_group()
    login(lead)
    limit = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 100
    try:
        response = client.post(
            f"/groups/{group.id}/updates/new",
            data={"body": "ok", "file": (io.BytesIO(PDF + b"x" * 200), "big.pdf")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_UPLOAD_BYTES"] = limit
    assert "must be smaller than" in page_text(response)
    assert db.session.query(GroupUpdate).count() == 0


# ---------------------------------------------------------------- resources


def test_a_member_shares_a_link_and_a_file(client, login) -> None:
    group, lead = make_group()
    login(lead)
    client.post(
        f"/groups/{group.id}/resources/new",
        data={"title": "Recruitment charter", "url": "https://example.org/charter"},
    )
    client.post(
        f"/groups/{group.id}/resources/new",
        data={"title": "Advert guide", "file": (io.BytesIO(PDF), "guide.pdf")},
        content_type="multipart/form-data",
    )
    text = page_text(client.get(f"/groups/{group.id}"))
    assert "Recruitment charter" in text and "Advert guide (file: guide.pdf)" in text
    assert db.session.query(GroupResource).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "url": "https://example.org"}, "Enter the resource's title"),
        ({"title": "t"}, "Enter a link or upload a file"),
        ({"title": "t", "url": "javascript:alert(1)"}, "starts with https://"),
        ({"title": "t", "url": "https://e.org/" + "x" * 500}, "500 characters or fewer"),
        (
            {"title": "t", "url": "https://e.org", "file": (io.BytesIO(PDF), "a.pdf")},
            "not both",
        ),
    ],
)
def test_the_resource_form_explains_bad_input(client, login, data, message) -> None:
    group, lead = make_group()
    login(lead)
    response = client.post(
        f"/groups/{group.id}/resources/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.query(GroupResource).count() == 0


# ---------------------------------------------------------------- actions and their CSV


def _action_data(owner_id: object, **changes: object) -> dict:
    return {
        "title": "Run the jobs fair",
        "owner": owner_id,
        "due_on": ["1", "6", "2027"],
        "status": "in_progress",
        **changes,
    }


def test_a_member_adds_an_action_then_marks_it_done(client, login) -> None:
    other = OrganisationFactory(name="Leeds Building Society")
    group, lead = make_group(members=(other,))
    login(lead)
    response = client.post(
        f"/groups/{group.id}/actions/new", data=_action_data(other.id), follow_redirects=True
    )
    text = page_text(response)
    assert (
        "Run the jobs fair" in text and "Leeds Building Society" in text and "1 June 2027" in text
    )
    action = db.session.query(GroupAction).one()
    client.post(
        f"/groups/{group.id}/actions/{action.id}/edit", data=_action_data(other.id, status=DONE)
    )
    db.session.refresh(action)
    assert action.status == DONE
    # The change is audited with the old value kept.
    entry = db.session.query(AuditLog).filter_by(action="group.action_changed").one()
    assert entry.changes == {"status": ["in_progress", "done"]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the action"),
        ({"title": "x" * 201}, "200 characters or fewer"),
        ({"owner": ""}, "Choose the organisation that owns the action"),
        ({"owner": "nonsense"}, "Choose the organisation that owns the action"),
        ({"due_on": ["31", "2", "2027"]}, "must be a real date"),
        ({"due_on": ["", "", ""]}, "Enter the due date"),
        ({"status": "finished"}, "Choose from the options given"),
    ],
)
def test_the_action_form_explains_bad_input(client, login, changes, message) -> None:
    group, lead = make_group()
    login(lead)
    owner = lead.memberships[0].organisation_id
    response = client.post(f"/groups/{group.id}/actions/new", data=_action_data(owner, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.query(GroupAction).count() == 0


def test_an_action_cannot_be_owned_by_an_organisation_outside_the_group(client, login) -> None:
    group, lead = make_group()
    login(lead)
    outside = OrganisationFactory()
    response = client.post(f"/groups/{group.id}/actions/new", data=_action_data(outside.id))
    assert "There is a problem" in page_text(response)
    assert db.session.query(GroupAction).count() == 0


def test_the_actions_csv_neutralises_formulas(client, login) -> None:
    group, lead = make_group()
    services.add_action(
        group,
        lead,
        title='=HYPERLINK("https://evil.example","click")',
        owner_organisation_id=lead.memberships[0].organisation_id,
        due_on=date(2027, 1, 31),
    )
    db.session.commit()
    login(UserFactory())  # open group: anyone signed in may download it
    response = client.get(f"/groups/{group.id}/actions.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "Action,Owner organisation,Due date,Status"
    assert lines[1].startswith("\"'=HYPERLINK(")
    assert "2027-01-31,Not started" in lines[1]


# ---------------------------------------------------------------- the organisation's panel


def test_the_organisation_home_lists_its_groups(client, login) -> None:
    group, lead = make_group(name="Scope 3 emissions")
    login(lead)
    text = page_text(client.get(f"/orgs/{lead.memberships[0].organisation_id}"))
    assert "Working groups" in text and "Scope 3 emissions" in text
    assert db.session.get(GroupMembership, 1).status == MEMBER
    assert group.id


def test_the_index_pages_through_many_groups(client, login) -> None:
    for number in range(21):
        make_group(name=f"Group {number:02d}")
    login(UserFactory())
    first = page_text(client.get("/groups"))
    assert "21 groups" in first and "Page 1 of 2" in first and "Group 20" not in first
    assert "Group 20" in page_text(client.get("/groups?page=2"))
    assert client.get("/groups?page=abc").status_code in (200, 404)


def test_a_suspended_members_people_read_the_group_but_change_nothing(client, login) -> None:
    suspended = OrganisationFactory(status=STATUS_SUSPENDED)
    group, _lead = make_group(members=(suspended,))
    person = member_of(suspended)
    login(person)
    assert client.get(f"/groups/{group.id}").status_code == 200
    assert client.get(f"/groups/{group.id}/updates/new").status_code == 403
    response = client.post(f"/groups/{group.id}/updates/new", data={"body": "Hello"})
    assert response.status_code == 403
    assert db.session.query(GroupUpdate).count() == 0
