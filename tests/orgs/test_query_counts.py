"""The directory, profiles and organisation home cost the same number of queries however many
rows there are (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta

from portal.assessment.frameworks import load_frameworks
from portal.assessment.models import Action
from portal.core.models import Ward, utcnow
from portal.extensions import db
from portal.pledges.catalogue import load_catalogue
from tests.assessment.factories import join_network, make_assessment
from tests.factories import OrganisationFactory, member_of
from tests.pledges.factories import make_pledge, report


def _queries_for(client, count_queries, path: str) -> int:
    """Queries for one request of `path`, after a first one has filled per-process caches."""
    client.get(path)
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def _organisations(count: int) -> None:
    wards = list(db.session.scalars(db.select(Ward).order_by(Ward.id).limit(3)))
    for number in range(count):
        organisation = OrganisationFactory(
            name=f"Directory org {number:03d}", citywide=False, wards=wards[: 1 + number % 3]
        )
        if number % 2:
            join_network(organisation, "anchor")
    db.session.commit()


def test_directory_query_count_stays_flat_as_organisations_grow(client, count_queries):
    ward = db.session.scalars(db.select(Ward).order_by(Ward.id)).first()
    _organisations(2)
    few = _queries_for(client, count_queries, "/organisations")
    few_ward = _queries_for(client, count_queries, f"/organisations?ward={ward.id}")
    _organisations(25)
    page = client.get("/organisations").get_data(as_text=True)
    assert "27 organisations" in page and "Leeds Anchor Network" in page
    assert _queries_for(client, count_queries, "/organisations") == few
    assert _queries_for(client, count_queries, f"/organisations?ward={ward.id}") == few_ward


def test_profile_query_count_stays_flat_as_other_organisations_grow(client, count_queries):
    organisation = OrganisationFactory(name="Profiled Org")
    join_network(organisation, "anchor")
    _organisations(2)
    few = _queries_for(client, count_queries, f"/organisations/{organisation.id}")
    _organisations(25)
    assert _queries_for(client, count_queries, f"/organisations/{organisation.id}") == few


def test_organisation_home_query_count_stays_flat_as_its_pledges_and_actions_grow(
    client, login, count_queries
):
    load_frameworks()
    load_catalogue()
    user = member_of()
    organisation = user.memberships[0].organisation
    join_network(organisation, "anchor")
    assessment = make_assessment(organisation, utcnow().year, level=2, target=4)
    criteria = assessment.framework.criteria
    login(user)

    def add(pledges: int, actions: range) -> None:
        for number in range(pledges):
            pledge = make_pledge(organisation, title=f"Pledge {number}")
            report(pledge, 3, period_end=date(2026, 2, 1))
        for index in actions:
            db.session.add(
                Action(
                    assessment_id=assessment.id,
                    criterion_id=criteria[index].id,
                    description="Do it",
                    due_date=utcnow().date() - timedelta(days=1 + index),
                    status="in_progress",
                )
            )
        db.session.commit()

    add(1, range(0, 1))
    few = _queries_for(client, count_queries, f"/orgs/{organisation.id}")
    add(10, range(1, min(len(criteria), 12)))
    page = client.get(f"/orgs/{organisation.id}").get_data(as_text=True)
    overdue = min(len(criteria), 12)
    assert f"{overdue} actions are overdue" in page
    # The panel names the five longest overdue, not every overdue action.
    assert criteria[overdue - 1].title in page and criteria[0].title not in page
    assert _queries_for(client, count_queries, f"/orgs/{organisation.id}") == few
    # One or two queries a panel: no panel loads what it does not show (an assessment's
    # framework, an organisation's wards again).
    assert few <= 17, few
