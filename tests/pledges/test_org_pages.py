"""Organisation pledge pages: who may see and change them, and what bad input gets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.models import AuditLog, utcnow
from portal.extensions import db
from portal.orgs.models import STATUS_PENDING
from portal.pledges.models import Pledge, ProgressUpdate
from tests.factories import OrganisationFactory, member_of, platform_admin
from tests.pledges.factories import ambition, make_pledge, measure, principle, report, ward


def pledge_form(**overrides):
    data = {
        "title": "Forty apprenticeships in east Leeds",
        "description": "We will take on apprentices from Gipton and Seacroft.",
        "measure": str(measure("JOBS-3").id),  # apprenticeship weeks, whole numbers
        "principles": [str(principle("LOCAL_JOBS").id)],
        "baseline": "0",
        "target": "2,080",
        "start_date": ["1", "4", "2026"],
        "end_date": ["31", "3", "2027"],
        "wards": [str(ward("Gipton & Harehills").id)],
        "ambitions": [str(ambition("GROWING").id)],
        "goals": [str(ambition("GROWING").goals[0].id)],
        "visibility": "public",
    }
    data.update(overrides)
    return data


def pledge_count() -> int:
    return db.session.scalar(select(func.count(Pledge.id)))


def test_member_makes_a_pledge_and_sees_it_on_the_dashboard(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    response = client.post(f"/orgs/{organisation.id}/pledges/new", data=pledge_form())
    assert response.status_code == 302
    pledge = db.session.scalar(select(Pledge))
    assert pledge.title == "Forty apprenticeships in east Leeds"
    assert pledge.target == 2080 and pledge.is_public
    assert [w.name for w in pledge.wards] == ["Gipton & Harehills"]
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.entity_type == "Pledge")) == (
        "pledge.created"
    )
    dashboard = client.get(f"/orgs/{organisation.id}/pledges").get_data(as_text=True)
    assert "Forty apprenticeships in east Leeds" in dashboard
    assert "Promised against delivered" in dashboard


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the pledge"),
        ({"title": "x" * 161}, "title", "Title must be between 5 and 160 characters"),
        ({"measure": ""}, "measure", "Choose a measure from the list"),
        ({"measure": "999999"}, "measure", "Choose from the options given"),
        ({"measure": "abc"}, "measure", "Choose a measure from the list"),
        ({"principles": []}, "principles", "Choose at least one charter principle"),
        ({"principles": ["99999"]}, "principles", "Choose from the options given"),
        ({"baseline": ""}, "baseline", "Enter the baseline, for example 0"),
        ({"target": "lots"}, "target", "Target must be a number, for example 40"),
        ({"target": "1e30"}, "target", "Target must be less than 10,000,000,000"),
        ({"target": "NaN"}, "target", "Target must be less than 10,000,000,000"),
        ({"target": "10.125"}, "target", "Target can have at most 2 decimal places"),
        ({"target": "40.5"}, "target", "Enter a whole number of weeks for target"),
        ({"baseline": "-5"}, "baseline", "Baseline cannot be negative"),
        ({"baseline": "50", "target": "40"}, "target", "Target must be more than the baseline"),
        (
            {"measure": "ENV-2", "baseline": "100", "target": "120"},
            "target",
            "Target must be lower than the baseline",
        ),
        ({"start_date": ["", "", ""]}, "start_date", "Enter the start date"),
        ({"start_date": ["31", "2", "2026"]}, "start_date", "Start date must be a real date"),
        ({"start_date": ["1", "4"]}, "start_date", "Start date must be a real date"),
        ({"end_date": ["1", "1", "9999"]}, "end_date", "End date must be between the years"),
        ({"end_date": ["1", "4", "2026"]}, "end_date", "End date must be after the start date"),
        ({"wards": []}, "wards", "Choose at least one ward, or say that the pledge is citywide"),
        ({"ambitions": []}, "ambitions", "Choose at least one Ambition"),
        ({"goals": ["HEALTHY-1"]}, "goals", "belongs to the Health and Wellbeing Ambition"),
        ({"visibility": "everyone"}, "visibility", "Choose from the options given"),
    ],
)
def test_bad_pledge_input_gets_a_field_message_and_saves_nothing(
    client, login, overrides, field, message
):
    user = member_of()
    organisation = user.memberships[0].organisation
    login(user)
    if overrides.get("measure") == "ENV-2":
        overrides["measure"] = str(measure("ENV-2").id)
    if overrides.get("goals") == ["HEALTHY-1"]:
        overrides["goals"] = [str(ambition("HEALTHY").goals[0].id)]
    response = client.post(f"/orgs/{organisation.id}/pledges/new", data=pledge_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'href="#{field}' in page  # the error summary links to the field
    assert pledge_count() == 0


def test_citywide_pledge_needs_no_wards(client, login):
    user = member_of()
    login(user)
    organisation_id = user.memberships[0].organisation_id
    form = pledge_form(wards=[], citywide="y")
    assert client.post(f"/orgs/{organisation_id}/pledges/new", data=form).status_code == 302
    assert db.session.scalar(select(Pledge.citywide)) is True


def test_pending_organisation_can_only_keep_pledges_private(client, login):
    user = member_of(OrganisationFactory(status=STATUS_PENDING))
    organisation_id = user.memberships[0].organisation_id
    login(user)
    page = client.post(f"/orgs/{organisation_id}/pledges/new", data=pledge_form()).get_data(
        as_text=True
    )
    assert "must be approved before it can publish" in page
    assert pledge_count() == 0
    response = client.post(
        f"/orgs/{organisation_id}/pledges/new", data=pledge_form(visibility="private")
    )
    assert response.status_code == 302 and pledge_count() == 1


def test_post_without_csrf_is_refused(client, login):
    user = member_of()
    login(user)
    organisation_id = user.memberships[0].organisation_id
    response = client.post(f"/orgs/{organisation_id}/pledges/new", data=pledge_form(), csrf=False)
    assert response.status_code == 400
    assert pledge_count() == 0


def test_other_organisations_cannot_see_or_change_pledges(client, login):
    pledge = make_pledge(title="Their pledge")
    other = OrganisationFactory()
    login(member_of(other))
    owner = pledge.organisation_id
    assert client.get(f"/orgs/{owner}/pledges").status_code == 403
    assert client.get(f"/orgs/{owner}/pledges/new").status_code == 403
    assert client.post(f"/orgs/{owner}/pledges/new", data=pledge_form()).status_code == 403
    assert client.get(f"/orgs/{owner}/pledges/{pledge.id}/edit").status_code == 403
    edit = client.post(
        f"/orgs/{owner}/pledges/{pledge.id}/edit", data=pledge_form(title="Hijacked pledge")
    )
    assert edit.status_code == 403
    progress = client.post(
        f"/orgs/{owner}/pledges/{pledge.id}/progress",
        data={"period_start": ["1", "1", "2026"], "period_end": ["31", "1", "2026"], "value": "5"},
    )
    assert progress.status_code == 403
    # Reaching the pledge through your own organisation's URL is a 404, not a back door.
    assert client.get(f"/orgs/{other.id}/pledges/{pledge.id}/edit").status_code == 404
    assert (
        client.post(
            f"/orgs/{other.id}/pledges/{pledge.id}/progress",
            data={
                "period_start": ["1", "1", "2026"],
                "period_end": ["31", "1", "2026"],
                "value": "5",
            },
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).title == "Their pledge"
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    pledge = make_pledge()
    response = client.get(f"/orgs/{pledge.organisation_id}/pledges")
    assert response.status_code in (302, 401)


def test_member_edits_a_pledge_and_can_make_it_private(client, login):
    pledge = make_pledge(title="Original title")
    login(member_of(pledge.organisation))
    form_page = client.get(f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/edit")
    assert "Original title" in form_page.get_data(as_text=True)
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/edit",
        data=pledge_form(title="A better title", visibility="private"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Pledge, pledge.id)
    assert edited.title == "A better title" and not edited.is_public
    assert "A better title" not in client.get("/pledges").get_data(as_text=True)


def progress_form(**overrides):
    today = utcnow().date()
    data = {
        "period_start": ["1", "1", "2026"],
        "period_end": [str(today.day), str(today.month), str(today.year)],
        "value": "12",
        "note": "Twelve hours at the food bank.",
        "evidence_url": "https://www.example.org/report",
    }
    data.update(overrides)
    return data


def test_member_reports_progress(client, login):
    pledge = make_pledge(start=date(2026, 1, 1), end=date(2027, 12, 31))
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/progress", data=progress_form()
    )
    assert response.status_code == 302
    update = db.session.scalar(select(ProgressUpdate))
    assert update.value == 12 and update.note == "Twelve hours at the food bank."
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert "Your progress report has been saved." in page
    assert "Twelve hours at the food bank." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": ""}, "Enter the amount delivered in the period, for example 12"),
        ({"value": "-3"}, "Amount delivered cannot be negative"),
        ({"value": "twelve"}, "Amount delivered in the period must be a number"),
        ({"value": "99999999999999999"}, "must be less than 10,000,000,000"),
        ({"period_end": ["", "", ""]}, "Enter the last day of the period"),
        ({"period_end": ["1", "1", "2025"]}, "Period end must be the same as or after its start"),
        (
            {"period_start": ["1", "1", "2025"], "period_end": ["31", "12", "2025"]},
            "Period end must be on or after the pledge",
        ),
        ({"period_end": ["1", "1", "2099"]}, "Period end cannot be in the future"),
        ({"evidence_url": "javascript:alert(1)"}, "Enter a link starting with https://"),
        ({"note": "x" * 2001}, "Note must be 2,000 characters or fewer"),
    ],
)
def test_bad_progress_input_gets_a_field_message_and_saves_nothing(
    client, login, overrides, message
):
    pledge = make_pledge(start=date(2026, 1, 1), end=date(2027, 12, 31))
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/progress",
        data=progress_form(**overrides),
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_whole_number_measures_refuse_fractions_in_progress(client, login):
    pledge = make_pledge(measure_code="JOBS-2", target=10, principles=("LOCAL_JOBS",))
    login(member_of(pledge.organisation))
    response = client.post(
        f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/progress",
        data=progress_form(value="2.5"),
    )
    assert "Enter a whole number of people" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_dashboard_shows_private_pledges_status_and_overdue(client, login):
    today = utcnow().date()
    organisation = OrganisationFactory()
    make_pledge(
        organisation,
        title="Quiet private pledge",
        public=False,
        start=today - timedelta(days=200),
        end=today + timedelta(days=200),
    )
    login(member_of(organisation))
    page = client.get(f"/orgs/{organisation.id}/pledges").get_data(as_text=True)
    assert "Quiet private pledge" in page
    assert "private" in page
    assert "Overdue" in page
    assert "At risk" in page


def test_dashboard_query_count_stays_flat(client, login, count_queries):
    organisation = OrganisationFactory()
    login(member_of(organisation))

    def add(count: int) -> None:
        for number in range(count):
            pledge = make_pledge(organisation, title=f"Pledge {number}")
            report(pledge, 3, period_end=date(2026, 2, 1))

    add(2)
    with count_queries() as few:
        assert client.get(f"/orgs/{organisation.id}/pledges").status_code == 200
    add(12)
    with count_queries() as many:
        assert client.get(f"/orgs/{organisation.id}/pledges").status_code == 200
    assert many.count <= few.count + 2, (few.count, many.count)


def test_platform_admin_may_open_any_dashboard(client, login):
    pledge = make_pledge(public=False)
    login(platform_admin())
    assert client.get(f"/orgs/{pledge.organisation_id}/pledges").status_code == 200
    assert client.get(f"/pledges/{pledge.id}").status_code == 200


def test_org_home_panel_summarises_pledges(client, login):
    pledge = make_pledge(target=100)
    login(member_of(pledge.organisation))
    page = client.get(f"/orgs/{pledge.organisation_id}").get_data(as_text=True)
    assert "Social Value Charter pledges" in page
    assert "£1,977 of social value promised" in page


def test_measure_is_fixed_once_progress_is_reported(client, login):
    pledge = make_pledge(measure_code="JOBS-3", target=100, principles=("LOCAL_JOBS",))
    report(pledge, 10, period_end=date(2026, 2, 1))
    login(member_of(pledge.organisation))
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/edit"
    changed = client.post(
        url, data=pledge_form(measure=str(measure("SOC-1").id), title="New title")
    )
    assert "You cannot change the measure once progress has been reported" in changed.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).title == "Staff volunteering in Leeds"
    # The promise itself (target and dates) is unchanged: only the title is edited.
    kept = client.post(
        url,
        data=pledge_form(
            title="New title",
            target="100",
            start_date=["1", "1", "2026"],
            end_date=["31", "12", "2026"],
        ),
    )
    assert kept.status_code == 302


def test_org_panels_total_what_the_pledge_pages_total_in_a_few_queries(app, count_queries):
    from portal.pledges import services

    public = make_pledge(target=100)
    report(public, 30, period_end=date(2026, 2, 1))
    private = make_pledge(public.organisation, title="Private pledge", target=40, public=False)
    report(private, 10, period_end=date(2026, 2, 1))
    organisation_id = public.organisation_id
    for public_only in (False, True):
        full = services.totals(
            services.progress_for(
                services.organisation_pledges(organisation_id, public_only=public_only)
            )
        )
        db.session.expire_all()
        with count_queries() as counter:
            panel = services.organisation_totals(organisation_id, public_only=public_only)
        assert counter.count <= 5, "\n".join(s[:150] for s in counter.statements)
        assert (panel.count, panel.promised_value, panel.delivered_value, panel.by_status) == (
            full.count,
            full.promised_value,
            full.delivered_value,
            full.by_status,
        )
    assert panel.count == 1 and panel.delivered_value > 0
