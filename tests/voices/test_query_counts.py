"""The voices pages cost the same number of queries however many stories and records exist."""

from __future__ import annotations

from portal.extensions import db
from tests.factories import OrganisationFactory, platform_admin
from tests.voices.factories import make_record, make_story, ward


def _queries(client, count_queries, path: str) -> int:
    db.session.commit()
    db.session.expire_all()  # every request starts from the database, as in production
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200, path
    return counter.count


def _more(organisation_id: int, copies: int) -> None:
    for number in range(copies):
        make_story(
            title=f"Story {number}",
            organisation_id=organisation_id,
            person=f"Person {number}",
            wards=(ward(number % 3),),
        )
        make_record(
            organisation_id=organisation_id,
            wards=(ward(number % 3),),
            quotes=(("Shown", True), ("Hidden", False)),
        )


def test_voices_pages_do_not_grow_with_the_stories(client, login, count_queries) -> None:
    organisation = OrganisationFactory()
    _more(organisation.id, 2)
    login(platform_admin())
    paths = (
        "/stories",
        f"/stories?ward={ward(0).id}",
        "/listening",
        f"/orgs/{organisation.id}/voices",
        "/admin/stories",
        f"/organisations/{organisation.id}",
    )
    before = {path: _queries(client, count_queries, path) for path in paths}
    _more(organisation.id, 8)
    after = {path: _queries(client, count_queries, path) for path in paths}
    assert after == before
