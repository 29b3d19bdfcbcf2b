"""A suspended organisation's figures count nowhere (issue 10): not in the exchange's impact,
the pledge wall and its exports, the activities list, the exchange listings or the directory.

Network benchmarks are covered in tests/orgs/test_recipients.py; the scorecard holds city
figures only, none derived from organisations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.exchange.impact import delivered_totals
from portal.exchange.models import MATCH_DELIVERED
from portal.extensions import db
from portal.orgs.models import STATUS_SUSPENDED, Organisation
from portal.pledges import services as pledges
from portal.pledges.catalogue import load_catalogue
from tests.activities.factories import ActivityFactory
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, convenor, member_of
from tests.pledges.factories import make_pledge, report


def suspend(organisation: Organisation) -> None:
    organisation.status = STATUS_SUSPENDED
    db.session.commit()


def test_exchanges_with_a_suspended_organisation_leave_the_impact_totals(client, login):
    kept, gone = OrganisationFactory(name="Kept Trust"), OrganisationFactory(name="Gone Trust")
    for giver, hours in ((kept, "12"), (gone, "30")):
        MatchFactory(
            offer=offer(organisation=giver, resource_type="volunteer_time"),
            request=request(resource_type="volunteer_time", ambition_codes=["HEALTHY"]),
            status=MATCH_DELIVERED,
            delivered_quantity=Decimal(hours),
            delivered_unit="hours",
        )
    request(organisation=gone, ambition_codes=["HEALTHY"])  # an open request of theirs
    db.session.commit()
    login(convenor("HEALTHY"))
    assert "42 hours" in client.get("/exchange/impact").get_data(as_text=True)
    suspend(gone)
    page = client.get("/exchange/impact").get_data(as_text=True)
    assert "12 hours" in page and "42 hours" not in page
    assert "1 delivered exchange" in page
    assert "2 open requests," in page  # the two it delivered against; not the suspended one's
    assert delivered_totals() == [("volunteer_time", "hours", Decimal(12))]


def test_a_suspended_organisations_listings_leave_the_exchange(client):
    offer(organisation=OrganisationFactory(), title="Meeting room for hire")
    hidden = offer(organisation=OrganisationFactory(), title="Van with driver")
    db.session.commit()
    assert "Van with driver" in client.get("/exchange").get_data(as_text=True)
    suspend(hidden.organisation)
    page = client.get("/exchange").get_data(as_text=True)
    assert "Van with driver" not in page and "Meeting room for hire" in page


def test_a_suspended_organisations_pledges_leave_the_wall_its_totals_and_exports(client):
    load_catalogue()
    kept = make_pledge(title="Apprenticeships kept on the wall", target=100)
    gone = make_pledge(title="Volunteering that no longer counts", target=400)
    report(kept, 10, period_end=date(2026, 3, 31))
    report(gone, 250, period_end=date(2026, 3, 31))
    db.session.commit()
    before = pledges.public_totals(pledges.public_pledges_query())
    suspend(gone.organisation)
    after = pledges.public_totals(pledges.public_pledges_query())
    assert after.count == before.count - 1 == 1
    wall = client.get("/pledges").get_data(as_text=True)
    assert "Volunteering that no longer counts" not in wall
    assert "Apprenticeships kept on the wall" in wall
    csv = client.get("/pledges/export.csv").get_data(as_text=True)
    assert "Volunteering that no longer counts" not in csv
    assert "Apprenticeships kept on the wall" in csv
    data = client.get("/pledges.json").get_json()
    assert data["total"] == 1
    assert [p["title"] for p in data["pledges"]] == ["Apprenticeships kept on the wall"]
    assert client.get(f"/pledges/{gone.id}").status_code == 404


def test_a_suspended_organisations_activities_leave_the_public_list(client, login):
    ActivityFactory(title="Litter pick in Gipton", is_public=True)
    gone = ActivityFactory(title="Coffee morning that no longer counts", is_public=True)
    db.session.commit()
    assert "Coffee morning that no longer counts" in client.get("/activities").get_data(
        as_text=True
    )
    suspend(gone.lead_organisation)
    page = client.get("/activities").get_data(as_text=True)
    assert "Coffee morning that no longer counts" not in page
    assert "Litter pick in Gipton" in page
    filtered = client.get(f"/activities?organisation={gone.lead_organisation_id}")
    assert "Coffee morning that no longer counts" not in filtered.get_data(as_text=True)
    # Its own members still see what it published, on their organisation's page.
    login(member_of(gone.lead_organisation))
    own = client.get(f"/orgs/{gone.lead_organisation_id}/activities").get_data(as_text=True)
    assert "Coffee morning that no longer counts" in own


def test_a_suspended_organisation_leaves_the_directory(client):
    OrganisationFactory(name="Harehills Community Kitchen")
    gone = OrganisationFactory(name="Suspended Supplies Ltd")
    db.session.commit()
    assert "Suspended Supplies Ltd" in client.get("/organisations").get_data(as_text=True)
    suspend(gone)
    page = client.get("/organisations").get_data(as_text=True)
    assert "Suspended Supplies Ltd" not in page and "Harehills Community Kitchen" in page
    assert client.get(f"/organisations/{gone.id}").status_code == 404
