"""Recording, editing, listing and seeing activities: who may do what, and bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.activities.models import Activity
from portal.core.models import AuditLog
from portal.extensions import db
from portal.orgs.models import STATUS_PENDING
from tests.activities.factories import ActivityFactory, form_data, goal, ward
from tests.factories import OrganisationFactory, member_of, platform_admin


def activity_count() -> int:
    return db.session.scalar(select(func.count(Activity.id)))


@pytest.fixture
def lead_partner_outsider():
    lead_org = OrganisationFactory(name="Lead Org")
    partner_org = OrganisationFactory(name="Partner Org")
    outsider_org = OrganisationFactory(name="Outsider Org")
    return (
        lead_org,
        partner_org,
        outsider_org,
        member_of(lead_org),
        member_of(partner_org),
        member_of(outsider_org),
    )


def test_a_member_records_an_activity(client, login, lead_partner_outsider):
    lead_org, partner_org, _, lead_user, _, _ = lead_partner_outsider
    login(lead_user)
    assert client.get(f"/orgs/{lead_org.id}/activities/new").status_code == 200
    response = client.post(
        f"/orgs/{lead_org.id}/activities/new",
        data=form_data(partners=[str(partner_org.id)]),
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity))
    assert response.headers["Location"].endswith(f"/activities/{activity.id}")
    assert activity.lead_organisation_id == lead_org.id
    # Named partners are asked first: the tag is pending until Partner Org accepts.
    assert activity.partners == []
    assert [(t.organisation.name, t.status) for t in activity.partner_tags] == [
        ("Partner Org", "pending")
    ]
    assert [g.code for g in activity.goals] == ["THRIVING-1"]
    assert [a.code for a in activity.ambitions] == ["THRIVING"]
    assert [w.name for w in activity.wards] == ["Armley"]
    assert (activity.start_date, activity.end_date) == (date(2026, 9, 1), date(2027, 7, 31))
    assert activity.people_reached == 120
    assert activity.volunteer_hours == Decimal("340.5")
    assert activity.spend == Decimal("2500")
    assert activity.created_by_id == lead_user.id
    assert db.session.scalar(select(AuditLog.action)) == "activity.created"
    page = client.get(f"/activities/{activity.id}", follow_redirects=True)
    assert "has been recorded" in page.text
    assert "£2,500" in page.text and "Partner Org: waiting for them to accept" in page.text
    assert f'<a class="govuk-link" href="/organisations/{lead_org.id}">Lead Org</a>' in page.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter the activity&#39;s title"),
        ({"title": "x" * 161}, "Title must be 160 characters or fewer"),
        ({"goals": []}, "Choose at least one goal the activity works towards"),
        ({"goals": ["999999"]}, "Choose from the options given"),
        ({"goals": ["abc"]}, "Choose from the options given"),
        ({"wards": []}, "Choose at least one ward, or say the activity is citywide"),
        ({"citywide": "y"}, "Choose wards or citywide, not both"),
        ({"start_date": ["31", "2", "2026"]}, "Start date must be a real date"),
        ({"start_date": ["", "", ""]}, "Enter the start date"),
        (
            {"end_date": ["1", "1", "2026"]},
            "The end date must be the same as or after the start date",
        ),
        ({"people_reached": "lots"}, "Enter the number of people reached as a whole number"),
        ({"people_reached": "9" * 50}, "Enter the number of people reached as a whole number"),
        ({"volunteer_hours": "-1"}, "The number of volunteer hours cannot be negative"),
        ({"spend": "£12.345"}, "The spend can have at most 2 decimal places"),
        ({"spend": "99999999999"}, "The spend must be less than 10,000,000,000"),
        ({"spend": "-5"}, "The spend cannot be negative"),
        ({"visibility": ""}, "Choose who can see this activity"),
        ({"partners": ["999999"]}, "Choose from the options given"),
        (
            {"ambitions": [], "goals": []},
            "Choose at least one goal the activity works towards",
        ),
    ],
)
def test_bad_input_gets_a_field_message_and_saves_nothing(
    client, login, lead_partner_outsider, overrides, message
):
    lead_org, *_, lead_user, _, _ = lead_partner_outsider
    login(lead_user)
    response = client.post(f"/orgs/{lead_org.id}/activities/new", data=form_data(**overrides))
    assert response.status_code == 200
    assert message in response.text
    assert "govuk-error-summary" in response.text
    assert activity_count() == 0


def test_goals_must_agree_with_the_chosen_ambitions(client, login, lead_partner_outsider):
    lead_org, *_, lead_user, _, _ = lead_partner_outsider
    login(lead_user)
    healthy = goal("HEALTHY-1").ambition
    growing = goal("GROWING-1").ambition
    response = client.post(
        f"/orgs/{lead_org.id}/activities/new",
        data=form_data(ambitions=[str(healthy.id)], goals=[str(goal("GROWING-1").id)]),
    )
    assert "belongs to the Inclusive Growth Ambition" in response.text
    assert "Choose at least one goal under the Health and Wellbeing Ambition" in response.text
    assert activity_count() == 0
    # Consistent choices pass.
    response = client.post(
        f"/orgs/{lead_org.id}/activities/new",
        data=form_data(
            ambitions=[str(healthy.id), str(growing.id)],
            goals=[str(goal("GROWING-1").id), str(goal("HEALTHY-2").id)],
        ),
    )
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity))
    assert [a.code for a in activity.ambitions] == ["HEALTHY", "GROWING"]


def test_only_lead_members_edit_partners_see_outsiders_are_refused(
    client, login, lead_partner_outsider
):
    lead_org, partner_org, outsider_org, lead_user, partner_user, outsider = lead_partner_outsider
    activity = ActivityFactory(lead_organisation=lead_org, partners=[partner_org], is_public=False)
    edit_url = f"/orgs/{lead_org.id}/activities/{activity.id}/edit"

    login(outsider)
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, data=form_data(title="Hijacked")).status_code == 403
    assert client.post(f"/orgs/{lead_org.id}/activities/{activity.id}/delete").status_code == 403
    # Through their own organisation's URL the activity is simply not there.
    own_url = f"/orgs/{outsider_org.id}/activities/{activity.id}/edit"
    assert client.get(own_url).status_code == 404
    assert client.get(f"/orgs/{lead_org.id}/activities").status_code == 403
    assert client.get(f"/orgs/{lead_org.id}/activities/new").status_code == 403
    client.post("/sign-out")

    login(partner_user)
    page = client.get(f"/activities/{activity.id}")
    assert page.status_code == 200 and "Edit this activity" not in page.text
    assert activity.title in client.get(f"/orgs/{partner_org.id}/activities").text
    assert client.get(edit_url).status_code == 403
    assert client.get(f"/orgs/{partner_org.id}/activities/{activity.id}/edit").status_code == 404
    client.post("/sign-out")

    login(lead_user)
    assert "Edit this activity" in client.get(f"/activities/{activity.id}").text
    response = client.post(edit_url, data=form_data(title="Renamed", visibility="private"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "Renamed"


def test_signed_out_visitors_see_only_public_activities(client):
    public = ActivityFactory(title="Open tree planting")
    private = ActivityFactory(title="Closed board away day", is_public=False)
    listing = client.get("/activities").text
    assert "Open tree planting" in listing and "Closed board away day" not in listing
    assert client.get(f"/activities/{public.id}").status_code == 200
    assert client.get(f"/activities/{private.id}").status_code == 404
    assert client.get("/activities/2147483647").status_code == 404
    assert client.get("/orgs/1/activities/new").status_code in (302, 401)


def test_the_list_shows_private_activities_to_their_organisations_and_admins(client, login):
    lead_org, partner_org = OrganisationFactory(), OrganisationFactory()
    ActivityFactory(
        title="Shared private work",
        lead_organisation=lead_org,
        partners=[partner_org],
        is_public=False,
    )
    for user, sees in (
        (member_of(lead_org), True),
        (member_of(partner_org), True),
        (member_of(OrganisationFactory()), False),
        (platform_admin(), True),
    ):
        login(user)
        assert ("Shared private work" in client.get("/activities").text) is sees
        client.post("/sign-out")


def test_filters_by_ambition_goal_ward_organisation_and_period(client):
    leeds_org, other_org = OrganisationFactory(name="Filter Org"), OrganisationFactory()
    ActivityFactory(
        title="Alpha",
        goals=[goal("HEALTHY-1")],
        citywide=False,
        wards=[ward("Armley")],
        lead_organisation=leeds_org,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 6, 30),
    )
    ActivityFactory(
        title="Bravo",
        goals=[goal("GROWING-2")],
        citywide=False,
        wards=[ward("Headingley & Hyde Park")],
        lead_organisation=other_org,
        partners=[leeds_org],
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    ActivityFactory(
        title="Charlie",
        goals=[goal("GROWING-1")],
        citywide=True,
        lead_organisation=other_org,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 2, 1),
    )

    def titles(query: str) -> list[str]:
        text = client.get("/activities?" + query).text
        return [t for t in ("Alpha", "Bravo", "Charlie") if f">{t}</a>" in text]

    growing = goal("GROWING-1").ambition_id
    assert titles("") == ["Alpha", "Bravo", "Charlie"]
    assert titles(f"ambition={growing}") == ["Bravo", "Charlie"]
    assert titles(f"goal={goal('GROWING-2').id}") == ["Bravo"]
    # Citywide activities reach every ward.
    assert titles(f"ward={ward('Armley').id}") == ["Alpha", "Charlie"]
    # Leading or partnering both count.
    assert titles(f"organisation={leeds_org.id}") == ["Alpha", "Bravo"]
    assert titles("period=2025") == ["Alpha"]
    assert titles(f"period=2026&ambition={growing}") == ["Bravo"]
    # Nonsense filters never break the page.
    for query in ("ambition=abc", "goal=999999", "period=99999", "ward=-1", "page=abc"):
        assert client.get("/activities?" + query).status_code == 200


def test_the_list_page_makes_the_same_number_of_queries_for_5_or_40_activities(
    client, count_queries
):
    organisations = [OrganisationFactory() for _ in range(3)]

    def make(n: int) -> None:
        for i in range(n):
            ActivityFactory(
                lead_organisation=organisations[i % 3],
                partners=[organisations[(i + 1) % 3]],
                goals=[goal("HEALTHY-1"), goal("GROWING-2")],
                citywide=False,
                wards=[ward("Armley"), ward("Beeston & Holbeck")],
            )

    make(5)
    with count_queries() as few:
        assert client.get("/activities").status_code == 200
    make(35)
    with count_queries() as many:
        page = client.get("/activities?page=2")
    assert page.status_code == 200 and "Page 2 of 2" in page.text
    assert many.count == few.count
    assert many.count <= 16


def test_the_public_profile_lists_public_activities_only(client):
    organisation = OrganisationFactory(name="Profile Org")
    ActivityFactory(lead_organisation=organisation, title="Public litter pick")
    ActivityFactory(lead_organisation=organisation, title="Private planning", is_public=False)
    text = client.get(f"/organisations/{organisation.id}").text
    assert "Public litter pick" in text and "Private planning" not in text
    empty = OrganisationFactory()
    assert "has not published any activities yet" in client.get(f"/organisations/{empty.id}").text


def test_pending_organisations_cannot_record_activities(client, login):
    pending = OrganisationFactory(status=STATUS_PENDING)
    login(member_of(pending))
    assert client.get(f"/orgs/{pending.id}/activities/new").status_code == 403
    assert client.post(f"/orgs/{pending.id}/activities/new", data=form_data()).status_code == 403
    assert activity_count() == 0


def test_the_lead_deletes_an_activity(client, login):
    organisation = OrganisationFactory()
    activity = ActivityFactory(lead_organisation=organisation, partners=[OrganisationFactory()])
    login(member_of(organisation))
    response = client.post(f"/orgs/{organisation.id}/activities/{activity.id}/delete")
    assert response.status_code == 302
    assert activity_count() == 0
    assert "has been deleted" in client.get(response.headers["Location"]).text


def test_edit_form_shows_the_saved_answers(client, login):
    organisation = OrganisationFactory()
    activity = ActivityFactory(
        lead_organisation=organisation, spend=Decimal("1234.50"), volunteer_hours=Decimal("7.5")
    )
    login(member_of(organisation))
    text = client.get(f"/orgs/{organisation.id}/activities/{activity.id}/edit").text
    assert 'value="1234.50"' in text and 'value="7.5"' in text
    assert activity.title in text


def test_forms_without_csrf_are_refused(client, login):
    organisation = OrganisationFactory()
    login(member_of(organisation))
    response = client.post(f"/orgs/{organisation.id}/activities/new", data=form_data(), csrf=False)
    assert response.status_code == 400
    assert activity_count() == 0


def test_a_suspended_organisation_cannot_edit_its_activities(client, login):
    organisation = OrganisationFactory()
    activity = ActivityFactory(lead_organisation=organisation)
    login(member_of(organisation))
    organisation.status = "suspended"
    db.session.commit()
    url = f"/orgs/{organisation.id}/activities/{activity.id}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data=form_data(title="Changed")).status_code == 403
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title != "Changed"


def test_the_organisation_home_links_to_its_activities(client, login):
    organisation = OrganisationFactory()
    login(member_of(organisation))
    text = client.get(f"/orgs/{organisation.id}").text
    assert f"/orgs/{organisation.id}/activities/new" in text
    assert f"/orgs/{organisation.id}/activities/import" in text


def test_out_of_range_or_junk_filter_values_are_ignored_not_a_500(client):
    """An id beyond the INTEGER range made PostgreSQL fail the query; it is now no filter."""
    for query in (
        "goal=2147483648",
        "organisation=99999999999999999999",
        "ambition=1e999&ward=%3Cscript%3E&period=-1",
    ):
        response = client.get(f"/activities?{query}")
        assert response.status_code == 200, query
        assert "<script>" not in response.get_data(as_text=True)
