"""The public pledge wall, pledge pages and export: public pledges only, filters, pagination."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.orgs.models import KIND_BUSINESS_ANCHOR, STATUS_PENDING
from tests.factories import OrganisationFactory, member_of, vcse
from tests.pledges.factories import ambition, make_pledge, principle, report, ward


def test_wall_shows_public_pledges_with_promised_against_delivered(client):
    pledge = make_pledge(title="A thousand volunteering hours", target=1000)
    report(pledge, 100, period_end=date(2026, 3, 31))
    page = client.get("/pledges").get_data(as_text=True)
    assert "A thousand volunteering hours" in page
    assert "Promised" in page and "Delivered so far" in page
    # SOC-1 2026 proxy is £19.77: 1,000 promised hours are £19,770; 100 delivered are £1,977.
    assert "£19,770" in page
    assert "£1,977" in page


def test_private_pledges_and_unapproved_organisations_stay_off_public_pages(client):
    make_pledge(title="Public promise")
    private = make_pledge(title="Secret promise", public=False)
    pending = make_pledge(
        OrganisationFactory(status=STATUS_PENDING), title="Promise from a pending group"
    )
    wall = client.get("/pledges").get_data(as_text=True)
    export = client.get("/pledges/export.csv").get_data(as_text=True)
    for text in (wall, export):
        assert "Public promise" in text
        assert "Secret promise" not in text
        assert "Promise from a pending group" not in text
    assert client.get(f"/pledges/{private.id}").status_code == 404
    assert client.get(f"/pledges/{pending.id}").status_code == 404
    profile = client.get(f"/organisations/{private.organisation_id}").get_data(as_text=True)
    assert "1 public pledge" not in profile and "Secret promise" not in profile


def test_members_see_their_own_private_pledge_but_other_organisations_do_not(client, login):
    private = make_pledge(title="Secret promise", public=False)
    login(member_of(OrganisationFactory()))
    assert client.get(f"/pledges/{private.id}").status_code == 404
    client.post("/sign-out")
    client.post("/sign-out")
    login(member_of(private.organisation))
    response = client.get(f"/pledges/{private.id}")
    assert response.status_code == 200
    assert "Private: only your organisation sees this" in response.get_data(as_text=True)


def test_wall_filters_by_ambition_principle_kind_and_ward(client):
    make_pledge(title="Health pledge", ambitions=("HEALTHY",), principles=("HEALTH_WELLBEING",))
    make_pledge(
        OrganisationFactory(kind=KIND_BUSINESS_ANCHOR),
        title="Business jobs pledge",
        measure_code="JOBS-2",
        target=10,
        ambitions=("GROWING",),
        principles=("LOCAL_JOBS",),
        citywide=False,
        wards=("Armley",),
    )
    make_pledge(
        vcse(), title="Community pledge in Gipton", citywide=False, wards=("Gipton & Harehills",)
    )

    def titles(query: str) -> set[str]:
        page = client.get("/pledges?" + query).get_data(as_text=True)
        return {
            t
            for t in ("Health pledge", "Business jobs pledge", "Community pledge in Gipton")
            if t in page
        }

    assert titles(f"ambition={ambition('HEALTHY').id}") == {"Health pledge"}
    assert titles(f"principle={principle('LOCAL_JOBS').id}") == {"Business jobs pledge"}
    assert titles("kind=business_anchor") == {"Business jobs pledge"}
    # A ward filter includes citywide pledges, which serve every ward.
    assert titles(f"ward={ward('Armley').id}") == {"Health pledge", "Business jobs pledge"}
    # Unknown or malformed filters are ignored, not a 500.
    assert client.get("/pledges?ward=abc&ambition=999999&kind=nonsense").status_code == 200


def test_export_uses_the_same_filters(client):
    make_pledge(title="Health pledge", ambitions=("HEALTHY",))
    make_pledge(title="Thriving pledge", ambitions=("THRIVING",))
    csv_text = client.get(f"/pledges/export.csv?ambition={ambition('HEALTHY').id}").get_data(
        as_text=True
    )
    assert csv_text.startswith("pledge_id,organisation")
    assert "Health pledge" in csv_text and "Thriving pledge" not in csv_text


def test_wall_paginates_and_filter_totals_cover_every_page(client):
    organisation = OrganisationFactory()
    for number in range(23):
        make_pledge(organisation, title=f"Pledge number {number:02d}", target=100)
    first = client.get("/pledges").get_data(as_text=True)
    second = client.get("/pledges?page=2").get_data(as_text=True)
    assert "23 pledges" in first
    assert "Page 1 of 2" in first
    assert first.count("Pledge number") == 20
    assert second.count("Pledge number") == 3
    # 23 x 100 hours x £19.77 promised, across both pages.
    assert "£45,471" in first


def test_wall_and_detail_have_empty_states(client):
    assert "No pledges match" in client.get("/pledges").get_data(as_text=True)
    pledge = make_pledge()
    assert "No progress reported yet" in client.get(f"/pledges/{pledge.id}").get_data(as_text=True)


def test_detail_shows_chart_table_and_social_value_per_year(client):
    pledge = make_pledge(start=date(2025, 7, 1), end=date(2026, 6, 30), target=500)
    report(pledge, 100, period_end=date(2025, 12, 31))
    report(pledge, 50, period_end=date(2026, 3, 31))
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert "<svg" in page and "<polyline" in page
    # 100 hours at the 2025 proxy (£19.19) and 50 at the 2026 proxy (£19.77).
    assert '£1,919 <span class="govuk-body-s">at £19.19 each (2025)' in page
    assert "at £19.77 each (2026)" in page
    assert "Delivered to date" in page and "Promised by then" in page


def test_wall_query_count_stays_flat_as_pledges_grow(client, count_queries):
    organisation = OrganisationFactory()

    def add(count: int) -> None:
        for number in range(count):
            pledge = make_pledge(organisation, title=f"Pledge {number}", wards=("Armley",))
            report(pledge, 5, period_end=date(2026, 2, 1))

    add(3)
    with count_queries() as few:
        assert client.get("/pledges").status_code == 200
    add(15)
    with count_queries() as many:
        assert client.get("/pledges").status_code == 200
    assert many.count <= few.count + 2, (few.count, many.count)
    # Filter choices, totals, the page of pledges with their wards, reports, revisions and
    # linked deliveries, the proxies: nothing the cards do not show is loaded.
    assert many.count <= 12, "\n".join(s[:120] for s in many.statements)


def test_how_we_calculate_documents_rules_and_sources(client):
    page = client.get("/pledges/how-we-calculate").get_data(as_text=True)
    for text in (
        "Achieved",
        "Lapsed",
        "At least 90%",
        "12 months",
        "DESNZ",
        "Annual Survey of Hours",
    ):
        assert text in page, text
    assert "National TOMs values" in page  # we say we do not use them


def test_unknown_pledge_is_404(client):
    assert client.get("/pledges/999999").status_code == 404
    assert client.get("/pledges/99999999999").status_code == 404
    db.session.rollback()


def test_json_api_lists_public_pledges_only_with_filters(client):
    public = make_pledge(title="Public promise", ambitions=("HEALTHY",))
    make_pledge(title="Secret promise", public=False, ambitions=("HEALTHY",))
    make_pledge(OrganisationFactory(status=STATUS_PENDING), title="Pending promise")
    make_pledge(title="Other Ambition", ambitions=("RESILIENT",))
    body = client.get(f"/pledges.json?ambition={ambition('HEALTHY').id}").get_json()
    assert body["total"] == 1
    record = body["pledges"][0]
    assert record["id"] == public.id and record["title"] == "Public promise"
    assert record["promised_value_gbp"] == "19770.00"
    assert record["ambitions"] == ["HEALTHY"]
    everything = client.get("/pledges.json").get_data(as_text=True)
    assert "Secret promise" not in everything and "Pending promise" not in everything


def test_money_pledges_read_as_pounds_and_others_with_their_unit(client):
    spend = make_pledge(title="Spend with local firms", measure_code="GROW-1", target=1300000)
    report(spend, 250000, period_end=date(2026, 3, 31))
    hours = make_pledge(title="Volunteering hours", target=1200)
    wall = client.get("/pledges").get_data(as_text=True)
    assert "£1,300,000" in wall and "£250,000 (19%)" in wall
    assert "1,300,000 £" not in wall
    assert "1,200 hours" in wall
    detail = client.get(f"/pledges/{spend.id}").get_data(as_text=True)
    assert "£1,300,000" in detail and "1,300,000 £" not in detail
    assert client.get(f"/pledges/{hours.id}").status_code == 200
