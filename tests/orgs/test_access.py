"""Every organisation-scoped route checks membership: no reaching another organisation."""

from __future__ import annotations

import pytest

from tests.factories import OrganisationFactory, admin_of, member_of, platform_admin


def test_every_org_id_route_is_guarded(app):
    """Walks the URL map: a route with an `org_id` parameter must declare `member_of_org`, or
    an object policy that reads `org_id` (the public profile's visibility rule)."""
    from portal.core.access import MEMBER_OF_ORG, rules_of

    unguarded = []
    for rule in app.url_map.iter_rules():
        if "org_id" not in rule.arguments:
            continue
        rules = rules_of(app.view_functions[rule.endpoint])
        if not any(r.kind == MEMBER_OF_ORG or "org_id" in r.url_args for r in rules):
            unguarded.append(rule.rule)
    assert unguarded == []


ORG_PAGES = [
    "/orgs/{id}",
    "/orgs/{id}/members",
    "/orgs/{id}/edit",
    "/orgs/{id}/members/invite",
    "/orgs/{id}/networks",
]


@pytest.mark.parametrize("path", ORG_PAGES)
def test_member_of_another_organisation_is_refused(client, login, path):
    mine = admin_of()
    theirs = OrganisationFactory(name="Other Org")
    login(mine)
    assert client.get(path.format(id=theirs.id)).status_code == 403


def test_cross_organisation_edits_are_refused_and_change_nothing(client, login):
    mine = admin_of()
    theirs = OrganisationFactory(name="Other Org")
    their_admin = admin_of(theirs)
    login(mine)
    response = client.post(
        f"/orgs/{theirs.id}/edit",
        data={
            "name": "Hijacked",
            "kind": "vcse",
            "description": "x",
            "size_band": "micro",
            "citywide": "y",
        },
    )
    assert response.status_code == 403
    membership = their_admin.memberships[0]
    assert client.post(f"/orgs/{theirs.id}/members/{membership.id}/remove").status_code == 403
    # A membership id of another organisation under my own org id is not found either.
    my_org = mine.memberships[0].organisation
    assert client.post(f"/orgs/{my_org.id}/members/{membership.id}/remove").status_code == 404
    from portal.extensions import db

    db.session.expire_all()
    assert theirs.name == "Other Org"
    assert len(theirs.memberships) == 1


def test_anonymous_visitor_is_sent_to_sign_in(client):
    organisation = OrganisationFactory()
    response = client.get(f"/orgs/{organisation.id}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_plain_member_cannot_use_admin_only_pages(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    assert client.get(f"/orgs/{organisation.id}").status_code == 200
    assert client.get(f"/orgs/{organisation.id}/members").status_code == 200
    assert client.get(f"/orgs/{organisation.id}/edit").status_code == 403
    assert client.get(f"/orgs/{organisation.id}/members/invite").status_code == 403


def test_platform_admin_can_see_any_organisation(client, login):
    organisation = OrganisationFactory()
    login(platform_admin())
    assert client.get(f"/orgs/{organisation.id}").status_code == 200


def test_unknown_organisation_is_404(client, login):
    login(member_of())
    assert client.get("/orgs/999999").status_code == 404


def test_huge_ids_are_not_found_rather_than_errors(client, login):
    login(platform_admin())
    assert client.get("/orgs/99999999999999999999").status_code == 404
    assert client.get("/organisations/2147483648").status_code == 404
    assert client.get("/admin/users/99999999999999999").status_code == 404
