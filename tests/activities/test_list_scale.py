"""The activity pages at scale: search, the organisation filter without a list of every
organisation, capped partner lists, and the same number of queries however much data there is."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select, text

from portal.activities import services
from portal.activities.models import Activity, activity_exchange_matches, activity_pledges
from portal.activities.search import keyword_condition
from portal.exchange.models import MATCH_DELIVERED
from portal.extensions import db
from portal.orgs.models import STATUS_SUSPENDED
from portal.pledges.catalogue import load_catalogue
from tests.activities.factories import ActivityFactory, goal, ward
from tests.exchange.factories import MatchFactory, offer, request
from tests.factories import OrganisationFactory, member_of
from tests.pledges.factories import make_pledge


def listed(query: str, client) -> list[str]:
    """Titles on the list page for `query`, in order."""
    page = client.get("/activities?" + query)
    assert page.status_code == 200
    titles = db.session.scalars(select(Activity.title).order_by(Activity.id)).all()
    found = [(page.text.index(f">{t}</a>"), t) for t in titles if f">{t}</a>" in page.text]
    return [t for _, t in sorted(found)]


# --- Search -----------------------------------------------------------------------------------


def test_the_search_box_matches_words_in_the_title_or_description(client):
    ActivityFactory(title="Reading buddies", description="Volunteers read with pupils")
    ActivityFactory(title="Litter pick", description="Volunteers clear the park in Armley")
    ActivityFactory(title="Food bank", description="Parcels every Saturday")
    assert 'name="q"' in client.get("/activities").text
    # Newest first; on the same start date, the one recorded last first.
    assert listed("q=volunteers", client) == ["Litter pick", "Reading buddies"]
    assert listed("q=PARK+volunteers", client) == ["Litter pick"]  # every word, any case
    assert listed("q=volunteers+-armley", client) == ["Reading buddies"]  # -word leaves it out
    assert listed("q=saturday", client) == ["Food bank"]
    assert listed("q=swimming", client) == []
    assert "No activities match" in client.get("/activities?q=swimming").text
    # No words: no filter, never an error.
    for query in ("q=", "q=+++", "q=%25", "q=" + "x" * 5000):
        assert client.get("/activities?" + query).status_code == 200
    assert len(listed("q=%25%25", client)) == 3


def test_search_combines_with_the_filters_and_keeps_the_newest_first(client):
    ActivityFactory(title="Old garden", description="", start_date=date(2024, 1, 1))
    ActivityFactory(title="New garden", description="", start_date=date(2026, 5, 1))
    ActivityFactory(
        title="Healthy garden", description="", goals=[goal("GROWING-1")], citywide=True
    )
    assert listed("q=garden", client) == ["New garden", "Healthy garden", "Old garden"]
    growing = goal("GROWING-1").ambition_id
    assert listed(f"q=garden&ambition={growing}", client) == ["Healthy garden"]
    assert listed("q=garden&period=2024", client) == ["Old garden"]


def test_search_never_shows_what_the_viewer_may_not_see(client):
    ActivityFactory(title="Private garden plans", is_public=False)
    suspended = OrganisationFactory(status=STATUS_SUSPENDED)
    ActivityFactory(title="Suspended garden", lead_organisation=suspended)
    ActivityFactory(title="Public garden")
    assert listed("q=garden", client) == ["Public garden"]


def test_like_wildcards_in_a_search_are_plain_text():
    ActivityFactory(title="Repair_cafe evenings", description="")
    ActivityFactory(title="Repair cafe mornings", description="")
    ActivityFactory(title="Repairs in the cafe", description="")
    condition = keyword_condition("repair_cafe", db.session.get_bind().dialect.name)
    titles = db.session.scalars(select(Activity.title).where(condition)).all()
    assert "Repair_cafe evenings" in titles
    if db.session.get_bind().dialect.name == "sqlite":
        # "_" is not "any character": the spaced titles do not match. (PostgreSQL's parser
        # splits "repair_cafe" into two words, and there is no LIKE to escape.)
        assert titles == ["Repair_cafe evenings"]


@pytest.mark.postgres
def test_postgres_searches_stemmed_words_with_web_search_syntax_through_the_gin_index(client):
    ActivityFactory(title="Volunteering in gardens", description="Our team gardens on Fridays")
    ActivityFactory(title="Cooking classes", description="Learn to cook on a budget")
    ActivityFactory(title="Cooking for volunteers", description="A lunch for the team")
    # Stemming: "volunteer" finds "Volunteering", "garden" finds "gardens".
    assert listed("q=volunteer+garden", client) == ["Volunteering in gardens"]
    assert listed("q=cooks", client) == ["Cooking for volunteers", "Cooking classes"]
    # Web search syntax: "a phrase", or, -word.
    assert listed("q=%22cooking+classes%22", client) == ["Cooking classes"]
    assert listed("q=garden+or+budget", client) == ["Cooking classes", "Volunteering in gardens"]
    assert listed("q=cooking+-volunteers", client) == ["Cooking classes"]
    # Unbalanced quotes and operators are not an error.
    assert client.get('/activities?q="cooking or -').status_code == 200

    indexdef = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_activities_search'")
    )
    assert "gin" in indexdef and "to_tsvector" in indexdef
    # The list's own query, with sequential scans off, must be able to use the GIN index.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    statement = services.activities_query(keywords="volunteer").limit(20)
    sql = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
    assert "ix_activities_search" in plan, plan


# --- The organisation filter ------------------------------------------------------------------


@pytest.fixture
def organisations():
    leeds = OrganisationFactory(name="Leeds Food Aid")
    leeds_youth = OrganisationFactory(name="Leeds Youth Club")
    OrganisationFactory(name="Bradford Trust")
    ActivityFactory(title="Food parcels", lead_organisation=leeds)
    ActivityFactory(title="Youth evenings", lead_organisation=leeds_youth)
    ActivityFactory(title="Shared kitchen", partners=[leeds])
    return leeds, leeds_youth


def test_the_organisation_filter_is_a_text_box_not_a_list_of_every_organisation(
    client, organisations
):
    text = client.get("/activities").text
    assert '<input class="govuk-input' in text and 'name="organisation"' in text
    assert "Bradford Trust" not in text  # no <option> for every organisation


def test_an_organisation_is_found_by_name_part_of_it_or_the_id_links_pass(client, organisations):
    leeds, _ = organisations
    expected = ["Shared kitchen", "Food parcels"]  # leading or partnering both count
    assert listed("organisation=Leeds+Food+Aid", client) == expected
    assert listed("organisation=leeds+food+aid", client) == expected  # any case
    assert listed("organisation=food+aid", client) == expected  # the only name containing it
    assert listed(f"organisation={leeds.id}", client) == expected  # the public profile's link
    page = client.get(f"/activities?organisation={leeds.id}").text
    assert 'value="Leeds Food Aid"' in page  # the box shows the name, not the id


def test_an_unknown_organisation_gets_a_field_message_not_a_500(client, organisations):
    page = client.get("/activities?organisation=Nobody+Here")
    assert page.status_code == 200
    assert "No organisation’s name contains ‘Nobody Here’" in page.text
    assert "govuk-error-summary" in page.text and "govuk-error-message" in page.text
    assert listed("organisation=Nobody+Here", client) == []
    for junk in ("%25", "_", "99999999999999999999", "%3Cscript%3E"):
        response = client.get(f"/activities?organisation={junk}")
        assert response.status_code == 200
        assert "<script>" not in response.text


def test_a_name_several_organisations_share_lists_them_to_choose_from(client, organisations):
    leeds, _ = organisations
    page = client.get("/activities?organisation=leeds&q=food")
    assert "More than one organisation’s name contains ‘leeds’" in page.text
    assert listed("organisation=leeds", client) == []
    # Each choice is a link that keeps the other filters.
    assert f"/activities?organisation={leeds.id}&amp;q=food" in page.text or (
        f"/activities?q=food&amp;organisation={leeds.id}" in page.text
    )
    assert ">Leeds Youth Club</a>" in page.text and "Bradford Trust" not in page.text


def test_an_exact_name_wins_over_longer_names_containing_it(client):
    short = OrganisationFactory(name="Leeds Aid")
    OrganisationFactory(name="Leeds Aid Partnership")
    ActivityFactory(title="Ours", lead_organisation=short)
    assert listed("organisation=leeds+aid", client) == ["Ours"]


def test_a_suspended_organisation_is_not_found(client):
    OrganisationFactory(name="Gone Quiet", status=STATUS_SUSPENDED)
    assert "No organisation’s name contains" in client.get("/activities?organisation=gone").text


# --- An organisation's own page ---------------------------------------------------------------


def test_the_organisation_page_shows_the_newest_partner_requests_and_how_many_in_all(client, login):
    organisation = OrganisationFactory()
    for day in range(1, 26):
        ActivityFactory(
            title=f"Request {day}",
            start_date=date(2026, 1, day),
            pending_partners=[organisation],
        )
    login(member_of(organisation))
    text = client.get(f"/orgs/{organisation.id}/activities").text
    assert "Showing the 20 newest of 25 requests" in text
    assert "Request 25" in text and "Request 6<" in text and "Request 5<" not in text


def test_the_organisation_page_lists_private_and_suspended_work_for_its_members(client, login):
    organisation = OrganisationFactory()
    ActivityFactory(title="Our private plan", lead_organisation=organisation, is_public=False)
    ActivityFactory(title="Partnered work", partners=[organisation], is_public=False)
    ActivityFactory(title="Only asked", pending_partners=[organisation], is_public=False)
    ActivityFactory(title="Someone else's")
    login(member_of(organisation))
    organisation.status = STATUS_SUSPENDED
    db.session.commit()
    page = client.get(f"/orgs/{organisation.id}/activities").text
    section = page[page.index("All your activities") :]
    assert "Our private plan" in section and "Partnered work" in section
    assert "Only asked" not in section and "Someone else" not in section
    assert "2 activities" in section


# --- Queries do not grow with the data --------------------------------------------------------


def _many_activities(n: int, organisations: list) -> None:
    for i in range(n):
        ActivityFactory(
            title=f"Garden work {i}",
            description="Volunteers in the garden",
            lead_organisation=organisations[i % len(organisations)],
            partners=[organisations[(i + 1) % len(organisations)]],
            pending_partners=[organisations[(i + 2) % len(organisations)]],
            goals=[goal("HEALTHY-1"), goal("GROWING-2")],
            citywide=False,
            wards=[ward("Armley"), ward("Beeston & Holbeck")],
        )


def test_the_filtered_list_makes_the_same_queries_for_4_or_40_activities(client, count_queries):
    organisations = [OrganisationFactory(name=f"Garden Org {i}") for i in range(3)]
    query = (
        f"/activities?q=garden&organisation=Garden+Org+1&ward={ward('Armley').id}"
        f"&goal={goal('HEALTHY-1').id}&period=2026"
    )
    _many_activities(4, organisations)
    with count_queries() as few:
        assert client.get(query).status_code == 200
    _many_activities(36, organisations)
    for i in range(40):
        OrganisationFactory(name=f"Other Org {i}")
    with count_queries() as many:
        page = client.get(query + "&page=2")
    assert page.status_code == 200 and "Garden work" in page.text
    assert many.count == few.count


def test_the_organisation_page_makes_the_same_queries_for_4_or_40_activities(
    client, login, count_queries
):
    organisation, other, third = (OrganisationFactory() for _ in range(3))
    login(member_of(organisation))
    _many_activities(4, [organisation, other, third])
    with count_queries() as few:
        assert client.get(f"/orgs/{organisation.id}/activities").status_code == 200
    _many_activities(36, [organisation, other, third])
    with count_queries() as many:
        page = client.get(f"/orgs/{organisation.id}/activities")
    assert page.status_code == 200 and "Page 1 of 2" in page.text
    assert many.count == few.count


def test_an_activitys_page_makes_the_same_queries_with_1_or_10_of_everything(
    client, login, count_queries
):
    load_catalogue()
    lead = OrganisationFactory()

    def linked_activity(n: int) -> Activity:
        partners = [OrganisationFactory() for _ in range(n)]
        activity = ActivityFactory(
            lead_organisation=lead,
            partners=partners,
            pending_partners=[OrganisationFactory() for _ in range(n)],
            goals=[goal("HEALTHY-1"), goal("GROWING-2")][:n] or [goal("HEALTHY-1")],
            citywide=False,
            wards=[ward("Armley"), ward("Beeston & Holbeck")][:n],
        )
        pledges = [make_pledge(lead, title=f"Pledge {i}") for i in range(n)]
        matches = [
            MatchFactory(
                offer=offer(organisation=lead, title=f"Offer {i}"),
                request=request(organisation=partners[i]),
                status=MATCH_DELIVERED,
            )
            for i in range(n)
        ]
        db.session.execute(
            insert(activity_pledges),
            [{"activity_id": activity.id, "pledge_id": p.id} for p in pledges],
        )
        db.session.execute(
            insert(activity_exchange_matches),
            [{"activity_id": activity.id, "match_id": m.id} for m in matches],
        )
        db.session.commit()
        return activity

    login(member_of(lead))
    one = linked_activity(1)
    with count_queries() as few:
        assert "Pledge 0" in client.get(f"/activities/{one.id}").text
    ten = linked_activity(10)
    for _ in range(10):
        ActivityFactory(lead_organisation=lead)
    with count_queries() as many:
        page = client.get(f"/activities/{ten.id}").text
    assert "Pledge 9" in page and "Offer 9" in page
    assert many.count == few.count


def test_the_browsed_lists_count_only_to_their_cap(client, monkeypatch):
    """The public activities and exchange lists stop counting at BROWSE_COUNT_CAP (a thousand):
    past it the page says "more than", so the count costs the same however many rows match."""
    from portal.activities import views as activity_views
    from portal.exchange import views as exchange_views

    for view in (activity_views, exchange_views):
        monkeypatch.setattr(view, "BROWSE_COUNT_CAP", 3)
    organisation = OrganisationFactory()
    for _ in range(3):
        ActivityFactory(lead_organisation=organisation)
        offer(organisation=organisation)
    activities, exchange = client.get("/activities").text, client.get("/exchange").text
    assert "3 activities" in activities and "More than 3" not in activities
    assert "3 open listings" in exchange and "more than 3" not in exchange
    ActivityFactory(lead_organisation=organisation)
    offer(organisation=organisation)
    assert "More than 3 activities" in client.get("/activities").text
    assert "more than 3 open listings" in client.get("/exchange").text
