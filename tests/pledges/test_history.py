"""Figures people can trust: reports that do not overlap, corrections and withdrawals that keep
the original, revisions of the promise with a reason, and the audit log's old and new values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.core.models import AuditLog, utcnow
from portal.core.templating import format_date
from portal.extensions import db
from portal.pledges import services
from portal.pledges.models import Pledge, PledgeRevision, ProgressUpdate
from portal.pledges.views import format_pounds
from tests.factories import member_of, platform_admin
from tests.pledges.factories import make_pledge, report


def april_to_june(**overrides):
    data = {
        "period_start": ["1", "4", "2026"],
        "period_end": ["30", "6", "2026"],
        "value": "5",
        "note": "",
        "evidence_url": "",
    }
    data.update(overrides)
    return data


def delivered(pledge: Pledge) -> Decimal:
    db.session.expire_all()
    return services.progress_for([db.session.get(Pledge, pledge.id)])[0].delivered_units


def reports_of(pledge: Pledge) -> list[ProgressUpdate]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ProgressUpdate).filter_by(pledge_id=pledge.id).order_by(ProgressUpdate.id)
        )
    )


def progress_url(pledge: Pledge, suffix: str = "") -> str:
    return f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/progress{suffix}"


# ---------------------------------------------------------------- 1. progress reports


def test_the_same_report_posted_twice_counts_once_with_a_field_message(client, login):
    pledge = make_pledge(target=20)
    login(member_of(pledge.organisation))
    assert client.post(progress_url(pledge), data=april_to_june()).status_code == 302
    again = client.post(progress_url(pledge), data=april_to_june())
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "This period overlaps the report for 1 April 2026 to 30 June 2026" in page
    assert len(reports_of(pledge)) == 1
    assert delivered(pledge) == 5


def test_an_overlapping_period_is_refused_and_an_adjacent_one_accepted(client, login):
    pledge = make_pledge(target=20)
    login(member_of(pledge.organisation))
    client.post(progress_url(pledge), data=april_to_june())
    overlapping = april_to_june(period_start=["1", "6", "2026"], period_end=["31", "7", "2026"])
    assert "overlaps the report" in client.post(progress_url(pledge), data=overlapping).get_data(
        as_text=True
    )
    adjacent = april_to_june(period_start=["1", "7", "2026"], period_end=["30", "9", "2026"])
    assert client.post(progress_url(pledge), data=adjacent).status_code == 302
    assert delivered(pledge) == 10


def test_a_correction_supersedes_the_report_and_keeps_the_original(client, login):
    pledge = make_pledge(target=20)
    original = report(pledge, 5, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    login(member_of(pledge.organisation))
    url = progress_url(pledge, f"/{original.id}/correct")
    assert "Correct a progress report" in client.get(url).get_data(as_text=True)
    no_reason = client.post(url, data=april_to_june(value="3", reason=""))
    assert "Enter why you are correcting this report" in no_reason.get_data(as_text=True)
    assert delivered(pledge) == 5
    response = client.post(
        url, data=april_to_june(value="3", reason="Volunteers were counted twice")
    )
    assert response.status_code == 302
    rows = reports_of(pledge)
    assert [(r.value, r.status) for r in rows] == [(5, "superseded"), (3, "current")]
    assert rows[1].replaces_id == original.id
    assert delivered(pledge) == 3
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert "Report history" in page
    assert "Corrected" in page and "Volunteers were counted twice" in page
    entry = db.session.scalar(select(AuditLog).filter_by(action="pledge.progress_corrected"))
    assert entry.changes["value"] == ["5", "3"]
    # A corrected report cannot be corrected again: its correction is the current one.
    again = client.post(url, data=april_to_june(value="1", reason="Again"))
    assert again.status_code == 302
    assert delivered(pledge) == 3


def test_a_withdrawn_report_stays_in_the_history_and_stops_counting(client, login):
    pledge = make_pledge(target=20)
    first = report(pledge, 5, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    report(pledge, 4, period_start=date(2026, 7, 1), period_end=date(2026, 9, 30))
    login(member_of(pledge.organisation))
    url = progress_url(pledge, f"/{first.id}/withdraw")
    assert "Enter why you are withdrawing" in client.post(url, data={"reason": ""}).get_data(
        as_text=True
    )
    assert delivered(pledge) == 9
    assert client.post(url, data={"reason": "Posted twice"}).status_code == 302
    assert delivered(pledge) == 4
    assert [r.status for r in reports_of(pledge)] == ["withdrawn", "current"]
    page = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert "Withdrawn" in page and "Posted twice" in page
    # The withdrawn period is free again, and the public totals count only current reports.
    assert client.post(progress_url(pledge), data=april_to_june()).status_code == 302
    totals = services.public_totals(services.public_pledges_query())
    assert totals.delivered_value == services.progress_for([pledge])[0].delivered_value
    assert delivered(pledge) == 9
    entry = db.session.scalar(select(AuditLog).filter_by(action="pledge.progress_withdrawn"))
    assert entry.changes["status"] == ["current", "withdrawn"]


# ---------------------------------------------------------------- 2. revisions


def edit_form(pledge: Pledge, **overrides):
    data = {
        "title": pledge.title,
        "description": pledge.description,
        "measure": str(pledge.measure_id),
        "principles": [str(p.id) for p in pledge.principles],
        "baseline": "0",
        "target": "20",
        "start_date": ["1", "1", "2026"],
        "end_date": ["31", "12", "2026"],
        "citywide": "y",
        "ambitions": [str(a.id) for a in pledge.ambitions],
        "visibility": "public",
    }
    data.update(overrides)
    return data


def revise_form(**overrides):
    data = {
        "baseline": "0",
        "target": "20",
        "start_date": ["1", "1", "2026"],
        "end_date": ["31", "12", "2026"],
        "reason": "",
    }
    data.update(overrides)
    return data


def test_the_edit_form_refuses_a_new_target_once_reported_and_offers_a_revision(client, login):
    pledge = make_pledge(target=20)
    report(pledge, 5, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    login(member_of(pledge.organisation))
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/edit"
    assert "Revise the promise" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=edit_form(pledge, target="5", start_date=["1", "8", "2026"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Target cannot be changed here once progress has been reported" in page
    assert "Start date cannot be changed here" in page
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).target == 20
    assert client.post(url, data=edit_form(pledge, title="A better title")).status_code == 302


def test_a_revision_keeps_the_original_promise_and_says_so_everywhere(client, login):
    pledge = make_pledge(target=20)
    report(pledge, 5, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    user = member_of(pledge.organisation)
    login(user)
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/revise"
    refused = client.post(url, data=revise_form(target="5"))
    assert "Enter why you are revising the promise" in refused.get_data(as_text=True)
    response = client.post(url, data=revise_form(target="5", reason="Fewer staff this year"))
    assert response.status_code == 302
    revision = db.session.scalar(select(PledgeRevision))
    assert (revision.field, revision.old_value, revision.new_value) == ("target", "20", "5")
    assert revision.reason == "Fewer staff this year" and revision.created_by_id == user.id
    sentence = f"Target revised from 20 to 5 on {format_date(utcnow())}"
    detail = client.get(f"/pledges/{pledge.id}").get_data(as_text=True)
    assert sentence in detail and "Fewer staff this year" in detail
    assert "Originally promised 20 hours" in detail
    wall = client.get("/pledges").get_data(as_text=True)
    assert "Originally promised" in wall
    export = client.get("/pledges/export.csv").get_data(as_text=True)
    assert sentence in export
    api = client.get("/pledges.json").get_json()
    assert Decimal(api["pledges"][0]["original_promised_units"]) == 20
    db.session.expire_all()
    progress = services.progress_for([db.session.get(Pledge, pledge.id)])[0]
    assert progress.promised_units == 5 and progress.original_units == 20
    totals = services.public_totals(services.public_pledges_query())
    assert totals.original_value == progress.original_value > totals.promised_value
    entry = db.session.scalar(select(AuditLog).filter_by(action="pledge.revised"))
    assert entry.changes == {"target": ["20", "5"]}


def test_a_revision_cannot_move_the_start_after_existing_reports(client, login):
    pledge = make_pledge(target=20)
    report(pledge, 5, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    login(member_of(pledge.organisation))
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/revise"
    response = client.post(
        url, data=revise_form(start_date=["1", "5", "2026"], reason="Started late")
    )
    assert "Start date must be on or before 1 April 2026" in response.get_data(as_text=True)
    assert db.session.scalar(select(PledgeRevision)) is None
    unchanged = client.post(url, data=revise_form(reason="No change"))
    assert "Change the baseline, target or dates" in unchanged.get_data(as_text=True)


# ---------------------------------------------------------------- 14. money


def test_over_delivery_shows_exceeded_by_never_a_negative_still_to_deliver(client, login):
    pledge = make_pledge(target=10)
    report(pledge, 30, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))
    login(member_of(pledge.organisation))
    page = client.get(f"/orgs/{pledge.organisation_id}/pledges").get_data(as_text=True)
    assert "£-" not in page and "−£" not in page
    progress = services.progress_for([pledge])[0]
    assert "Exceeded by" in page
    assert format_pounds(progress.delivered_value - progress.promised_value) in page
    assert "Still to deliver" not in page


def test_pounds_are_rounded_to_the_nearest_pound_the_same_way_everywhere():
    assert format_pounds(Decimal("153986.83")) == "£153,987"
    assert format_pounds(Decimal("99.50")) == "£100"
    assert format_pounds(Decimal("12.49")) == "£12"
    assert format_pounds(Decimal("2.5")) == "£3"
    assert format_pounds(None) == "£0"


# ---------------------------------------------------------------- the audit log


def test_a_pledge_edit_records_old_and_new_values_and_the_audit_log_shows_them(client, login):
    pledge = make_pledge(target=20, title="Staff volunteering in Leeds")
    login(platform_admin())  # platform admins may edit any organisation's pledge
    url = f"/orgs/{pledge.organisation_id}/pledges/{pledge.id}/edit"
    assert (
        client.post(
            url, data=edit_form(pledge, title="Volunteering in east Leeds", target="30")
        ).status_code
        == 302
    )
    entry = db.session.scalar(select(AuditLog).filter_by(action="pledge.updated"))
    assert entry.changes == {
        "title": ["Staff volunteering in Leeds", "Volunteering in east Leeds"],
        "target": ["20", "30"],
    }
    response = client.get("/admin/audit-log")
    assert response.status_code == 200
    log = response.get_data(as_text=True)
    assert "Staff volunteering in Leeds → Volunteering in east Leeds" in log
    assert "20 → 30" in log
