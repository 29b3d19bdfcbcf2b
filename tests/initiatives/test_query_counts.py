"""The initiative page and the organisation home cost the same number of queries however many
partners, contributions and updates there are."""

from __future__ import annotations

from portal.activities.models import PARTNER_ACCEPTED, PartnerTag
from portal.extensions import db
from portal.initiatives import services
from tests.factories import OrganisationFactory, member_of
from tests.initiatives.factories import contribute, make_initiative


def _queries(client, count_queries, path: str) -> int:
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(path)
        response.get_data()
    assert response.status_code == 200, path
    return counter.count


def _more(initiative, copies: int) -> None:
    for organisation in initiative.everyone:
        for _ in range(copies):
            contribute(initiative, organisation, people=1)
            services.post_update(initiative.activity, organisation, "More progress", None)
    first = services.contributions_of(initiative.activity.id)[0]
    services.correct_contribution(first, first_values(first), "Fixed", None)
    db.session.commit()


def first_values(row):
    return services.ContributionValues(
        row.period_start, row.period_end, row.volunteer_hours, row.money, 2, row.note
    )


def test_initiative_pages_do_not_grow_with_the_initiative(client, login, count_queries) -> None:
    initiative = make_initiative(partners=2)
    _more(initiative, 1)
    person = member_of(initiative.lead)
    login(person)
    paths = (f"/initiatives/{initiative.activity.id}", f"/orgs/{initiative.lead.id}")
    before = {path: _queries(client, count_queries, path) for path in paths}
    bigger = make_initiative(partners=1, lead_organisation=initiative.lead)
    for organisation in (OrganisationFactory(), OrganisationFactory()):
        initiative.activity.partner_tags.append(
            PartnerTag(organisation_id=organisation.id, status=PARTNER_ACCEPTED)
        )
        initiative.partners.append(organisation)
    db.session.commit()
    _more(initiative, 3)
    _more(bigger, 2)
    after = {path: _queries(client, count_queries, path) for path in paths}
    assert after == before
