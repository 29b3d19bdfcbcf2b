"""The group pages cost the same number of queries however many groups, members, updates,
resources and actions exist."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.groups import services
from portal.groups.models import MEMBERS_ONLY, WorkingGroup
from tests.factories import OrganisationFactory, admin_of
from tests.groups.factories import PDF, make_group


def _queries(client, count_queries, path: str) -> int:
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200, path
    return counter.count


def _fill(group: WorkingGroup, lead, copies: int) -> None:
    for number in range(copies):
        organisation = OrganisationFactory()
        services.request_to_join(group, organisation, admin_of(organisation))
        member = OrganisationFactory()
        services.request_to_join(group, member, admin_of(member))
        services.decide_request(services.membership_of(group, member.id), accept=True, lead=lead)
        stored = services.add_file(group, f"notes-{number}.pdf", PDF, lead)
        services.post_update(group, lead, f"Update {number}", stored)
        services.add_resource(group, lead, f"Resource {number}", url="https://example.org")
        services.add_resource(group, lead, f"File {number}", file=stored)
        services.add_action(
            group,
            lead,
            title=f"Action {number}",
            owner_organisation_id=member.id,
            due_on=date(2027, 1, 1 + number),
        )
        make_group(name=f"Open {number}")
        make_group(name=f"Hidden {number}", visibility=MEMBERS_ONLY)
    db.session.commit()


def test_group_pages_do_not_grow_with_the_rows(client, login, count_queries) -> None:
    group, lead = make_group()
    _fill(group, lead, 2)
    login(lead)
    org_id = lead.memberships[0].organisation_id
    paths = (
        "/groups",
        "/groups?q=update",
        f"/groups/{group.id}",
        f"/groups/{group.id}/members",
        f"/groups/{group.id}/actions.csv",
        f"/orgs/{org_id}",
    )
    for path in paths:  # once first: the organisation page remembers the one acted for
        client.get(path)
    before = {path: _queries(client, count_queries, path) for path in paths}
    _fill(group, lead, 6)
    after = {path: _queries(client, count_queries, path) for path in paths}
    assert after == before
