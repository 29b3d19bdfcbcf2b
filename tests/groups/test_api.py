"""The open data API lists open working groups only; members-only ones never appear."""

from __future__ import annotations

from portal.extensions import db
from portal.groups import services
from portal.groups.models import MEMBERS_ONLY
from portal.orgs.models import STATUS_SUSPENDED
from tests.api.helpers import field_names, get, personal_fields
from tests.factories import OrganisationFactory
from tests.groups.factories import make_group


def test_only_open_groups_are_listed_with_their_approved_members(client) -> None:
    hidden_member = OrganisationFactory(status=STATUS_SUSPENDED, name="Suspended Ltd")
    group, lead = make_group(name="Scope 3 emissions", members=(hidden_member,))
    services.post_update(group, lead, "Private-ish text that stays on the site")
    secret, _ = make_group(visibility=MEMBERS_ONLY, name="Directors' forum")
    db.session.commit()
    body = get(client, "/api/v1/groups").json
    assert [item["name"] for item in body["items"]] == ["Scope 3 emissions"]
    assert body["total"] == 1
    [item] = body["items"]
    assert [m["name"] for m in item["members"]] == [lead.memberships[0].organisation.name]
    text = get(client, "/api/v1/groups").get_data(as_text=True)
    assert "Directors' forum" not in text and "Private-ish" not in text
    assert "Suspended Ltd" not in text
    assert personal_fields(field_names(body)) == set()
    assert get(client, "/api/v1/groups?q=forum").json["items"] == []
    assert secret.id not in {
        i["id"] for i in get(client, "/api/v1/groups?per_page=100").json["items"]
    }


def test_the_search_and_paging_parameters_are_checked(client) -> None:
    make_group(name="Social value in purchasing")
    make_group(name="Inclusive recruitment")
    assert [i["name"] for i in get(client, "/api/v1/groups?q=social").json["items"]] == [
        "Social value in purchasing"
    ]
    errors = get(client, "/api/v1/groups?per_page=0", status=400).json["errors"]
    assert errors[0]["field"] == "per_page"
    get(client, "/api/v1/groups?q=" + "x" * 101, status=400)


def test_the_list_costs_the_same_queries_however_many_groups(client, count_queries) -> None:
    def queries() -> int:
        client.get("/api/v1/groups")
        with count_queries() as counter:
            assert client.get("/api/v1/groups").status_code == 200
        return counter.count

    for number in range(2):
        make_group(name=f"Group {number}", members=(OrganisationFactory(),))
    few = queries()
    for number in range(8):
        make_group(name=f"More {number}", members=(OrganisationFactory(), OrganisationFactory()))
    assert queries() == few
