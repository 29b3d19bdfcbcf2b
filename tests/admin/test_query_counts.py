"""The admin lists cost the same number of queries however many rows there are (issue 13)."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.core.models import AuditLog, utcnow
from portal.extensions import db
from portal.orgs.models import STATUS_PENDING, NetworkMembership
from portal.orgs.services import seed_networks
from tests.factories import OrganisationFactory, UserFactory, convenor, platform_admin, vcse


def _queries_for(client, count_queries, path: str) -> int:
    """Queries for one request of `path`, after a first one has filled per-process caches."""
    client.get(path)
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def _audit_rows(count: int, first: int = 0) -> None:
    start = utcnow() - timedelta(days=1)
    for number in range(first, first + count):
        user, organisation = UserFactory(), OrganisationFactory()
        db.session.add(
            AuditLog(
                at=start + timedelta(minutes=number),
                user_id=user.id,
                organisation_id=organisation.id,
                action="organisation.updated" if number % 2 else "pledge.updated",
                entity_type="organisation",
                entity_id=organisation.id,
                summary=f"Entry {number}",
                changes={"name": ["Old", "New"]},
            )
        )
    db.session.commit()


def test_audit_log_query_count_stays_flat_as_entries_grow(client, login, count_queries):
    login(platform_admin())
    _audit_rows(5)
    few = _queries_for(client, count_queries, "/admin/audit-log")
    few_filtered = _queries_for(client, count_queries, "/admin/audit-log?action=pledge.updated")
    _audit_rows(55, first=5)  # 60 in all: more than a page of 50
    many_page = client.get("/admin/audit-log").get_data(as_text=True)
    # Newest first, 50 to a page: entries 10 to 59 here, 0 to 9 on page 2.
    assert re.search(r"Entry 59\s", many_page) and not re.search(r"Entry 9\s", many_page)
    assert _queries_for(client, count_queries, "/admin/audit-log") == few
    assert _queries_for(client, count_queries, "/admin/audit-log?page=2") == few
    assert (
        _queries_for(client, count_queries, "/admin/audit-log?action=pledge.updated")
        == few_filtered
    )


def test_audit_log_filters_by_a_chosen_action_or_a_typed_prefix(client, login):
    login(platform_admin())
    _audit_rows(4)
    chosen = client.get("/admin/audit-log?action=pledge.updated").get_data(as_text=True)
    assert "Entry 0" in chosen and "Entry 2" in chosen and "Entry 1" not in chosen
    assert '<option value="pledge.updated" selected>' in chosen
    prefix = client.get("/admin/audit-log?action=organisation.").get_data(as_text=True)
    assert "Entry 1" in prefix and "Entry 3" in prefix and "Entry 0" not in prefix
    nothing = client.get("/admin/audit-log?action=nothing.like.this").get_data(as_text=True)
    assert "No entries" in nothing


def test_audit_log_says_more_than_the_cap_instead_of_counting_everything(
    client, login, monkeypatch
):
    from portal.core.pagination import paginate

    def capped_at_three(statement, **kwargs):
        return paginate(statement, **{**kwargs, "count_cap": 3})

    monkeypatch.setattr("portal.admin.views.paginate", capped_at_three)
    login(platform_admin())
    _audit_rows(4)
    assert "more than 3 entries" in client.get("/admin/audit-log").get_data(as_text=True)


def _pending_requests(count: int) -> None:
    seed_networks()
    network = db.session.scalars(db.select(db.metadata.tables["networks"].c.id)).first()
    for _ in range(count):
        db.session.add(NetworkMembership(organisation=vcse(), network_id=network))
    db.session.commit()


def test_network_requests_query_count_stays_flat_as_requests_grow(client, login, count_queries):
    login(platform_admin())
    _pending_requests(2)
    few = _queries_for(client, count_queries, "/admin/network-requests")
    _pending_requests(18)
    page = client.get("/admin/network-requests").get_data(as_text=True)
    assert page.count("Accept<span") == 20
    assert _queries_for(client, count_queries, "/admin/network-requests") == few


def test_organisations_query_count_stays_flat_as_organisations_grow(client, login, count_queries):
    login(platform_admin())

    def add(count: int) -> None:
        for number in range(count):
            # Every other one has a likely duplicate among the approved organisations.
            OrganisationFactory(name=f"Pending Group {number}", status=STATUS_PENDING)
            if number % 2 == 0:
                OrganisationFactory(name=f"The Pending Group {number} Ltd")

    add(2)
    few = _queries_for(client, count_queries, "/admin/organisations?status=pending")
    add(20)
    page = client.get("/admin/organisations?status=pending").get_data(as_text=True)
    assert "Possible duplicate" in page and "22 pending organisations" in page
    assert _queries_for(client, count_queries, "/admin/organisations?status=pending") == few


def test_users_query_count_stays_flat_as_people_grow(client, login, count_queries):
    login(platform_admin(name="Aaron Admin"))

    def add(count: int) -> None:
        for number in range(count):
            if number % 3 == 0:
                convenor("HEALTHY", name=f"Convenor {number}")
            else:
                UserFactory()

    add(3)
    few = _queries_for(client, count_queries, "/admin/users")
    few_search = _queries_for(client, count_queries, "/admin/users?q=convenor")
    add(30)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "34 people" in page and "Convenor: " in page
    assert _queries_for(client, count_queries, "/admin/users") == few
    assert _queries_for(client, count_queries, "/admin/users?q=convenor") == few_search
