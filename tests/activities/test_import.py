"""CSV import: the template, whole-file refusals, all-or-nothing rows, and the background job."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.activities.csv_import import COLUMN_NAMES, EXAMPLE_ROWS, template_csv
from portal.activities.models import Activity, ActivityImport
from portal.extensions import db
from tests.factories import OrganisationFactory, admin_of, member_of


def activity_count() -> int:
    return db.session.scalar(select(func.count(Activity.id)))


def row(**overrides: str) -> dict[str, str]:
    values = {
        "title": "Repair café",
        "description": "Fixing things together.",
        "partners": "",
        "ambitions": "RESILIENT",
        "goals": "RESILIENT-1",
        "wards": "Armley; Bramley & Stanningley",
        "start_date": "2026-04-01",
        "end_date": "2026-04-30",
        "people_reached": "45",
        "volunteer_hours": "60.5",
        "spend": "£300",
        "outcomes": "120 items mended.",
        "visibility": "public",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict[str, str]], columns: list[str] = COLUMN_NAMES) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def importer(client, login):
    organisation = OrganisationFactory(name="Importing Org")
    user = member_of(organisation)
    login(user)

    def upload(content: bytes, filename: str = "activities.csv"):
        # Encoded in memory: the test client would otherwise spool a large body to a temp file.
        boundary, body = encode_multipart(
            {
                "csrf_token": client._csrf_token(),
                "file": FileStorage(io.BytesIO(content), filename, content_type="text/csv"),
            }
        )
        return client.post(
            f"/orgs/{organisation.id}/activities/import",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    upload.organisation = organisation
    upload.user = user
    return upload


def test_the_template_downloads_and_imports_cleanly(client, importer, run_jobs):
    organisation = importer.organisation
    response = client.get(f"/orgs/{organisation.id}/activities/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == COLUMN_NAMES
    # The template's own example rows are valid.
    response = importer(response.data, "activities-template.csv")
    assert response.status_code == 302
    run_jobs()
    assert activity_count() == len(EXAMPLE_ROWS)
    assert template_csv().startswith("title,description")


def test_a_clean_file_imports_every_row(client, importer, run_jobs, outbox):
    partner = OrganisationFactory(name="Kirkstall Valley Volunteers")
    partner_admin = admin_of(partner)
    rows = [
        row(),
        row(
            title="Tree planting",
            partners="kirkstall valley volunteers",
            wards="citywide",
            ambitions="",
            goals="RESILIENT-2; HEALTHY-1",
            start_date="01/10/2026",
            end_date="01/10/2026",
            visibility="private",
            people_reached="",
            spend="",
            volunteer_hours="",
        ),
    ]
    response = importer(csv_bytes(rows))
    assert response.status_code == 302
    run_jobs()
    page = client.get(response.headers["Location"])
    assert "Activities imported" in page.text and "2 activities" in page.text
    activities = list(db.session.scalars(select(Activity).order_by(Activity.id)))
    assert [a.title for a in activities] == ["Repair café", "Tree planting"]
    first, second = activities
    assert first.lead_organisation_id == importer.organisation.id
    assert [w.name for w in first.wards] == ["Armley", "Bramley & Stanningley"]
    assert first.volunteer_hours == Decimal("60.5") and first.spend == Decimal("300")
    assert first.is_public and not second.is_public
    assert second.citywide and second.wards == []
    # A partner named in a file is asked, like one named in the form: pending until it accepts.
    assert second.partners == []
    assert [(t.organisation_id, t.status) for t in second.partner_tags] == [(partner.id, "pending")]
    (request,) = outbox.to(partner_admin.email)
    assert "Tree planting" in outbox.body(request)
    assert sorted(g.code for g in second.goals) == ["HEALTHY-1", "RESILIENT-2"]
    assert second.people_reached == 0
    activity_import = db.session.scalar(select(ActivityImport))
    assert activity_import.status == "imported" and activity_import.imported_rows == 2
    assert activity_import.content == ""
    assert {a.import_id for a in activities} == {activity_import.id}


def test_a_file_with_errors_imports_nothing_and_reports_each_row(client, importer, run_jobs):
    rows = [
        row(),
        row(title="", goals="HEALTHY-9"),
        row(ambitions="HEALTHY", goals="GROWING-1"),
        row(wards="Atlantis", start_date="2026-05-01", end_date="2026-04-01"),
        row(spend="lots", people_reached="-4", visibility="secret", partners="Nobody Ltd"),
        row(partners="Importing Org"),
        row(wards=""),
    ]
    response = importer(csv_bytes(rows))
    assert response.status_code == 302
    run_jobs()
    assert activity_count() == 0
    activity_import = db.session.scalar(select(ActivityImport))
    assert activity_import.status == "rejected"
    report = {(number, column) for number, column, _ in activity_import.errors}
    assert report == {
        (3, "title"),
        (3, "goals"),
        (4, "goals"),
        (4, "ambitions"),
        (5, "wards"),
        (5, "end_date"),
        (6, "spend"),
        (6, "people_reached"),
        (6, "visibility"),
        (6, "partners"),
        (7, "partners"),
        (8, "wards"),
    }
    page = client.get(response.headers["Location"]).text
    assert "Nothing was imported" in page
    assert "‘Atlantis’ is not a Leeds ward name or ONS code" in page
    assert "The end date must be the same as or after the start date" in page
    assert "belongs to the Inclusive Growth Ambition" in page


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "a.csv", "The selected file is empty"),
        (b"title", "", "Select a CSV file"),
        (
            csv_bytes([row(title="Café")]).decode().encode("cp1252"),
            "a.csv",
            "must be saved as ‘CSV UTF-8’",
        ),
        (b"\xff\xfe\x00\x00binary", "a.csv", "not a spreadsheet or other file"),
        (b"title,description\nA,B\n", "a.csv", "missing these columns: goals, wards, start_date"),
        (csv_bytes([row()]).replace(b"outcomes", b"results"), "a.csv", "does not know: results"),
        (b"\n\n", "a.csv", "The selected file is empty"),
        (b",,\nA,B\n", "a.csv", "The first row of the file must name the columns"),
        (csv_bytes([]), "a.csv", "The file has no rows of activities"),
        (csv_bytes([row()]), "activities.xlsx", "must be a CSV file (ending .csv)"),
        (b'title,goals,wards,start_date,end_date\n"unclosed,x\n', "a.csv", None),
    ],
)
def test_malformed_files_get_a_message_never_a_500(importer, content, filename, message):
    response = importer(content, filename)
    if message is None:
        # An unclosed quote swallows the rest of the file: either refused here or by the job.
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 200
        assert message in response.text
        assert "govuk-error-summary" in response.text
    assert activity_count() == 0


def test_an_oversized_file_is_refused(app, importer):
    limit = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_UPLOAD_BYTES"] = 2000
    try:
        response = importer(csv_bytes([row()] * 40))
    finally:
        app.config["MAX_UPLOAD_BYTES"] = limit
    assert response.status_code == 200
    assert "must be smaller than" in response.text
    assert db.session.scalar(select(func.count(ActivityImport.id))) == 0


def test_a_row_with_extra_cells_is_reported(importer, run_jobs):
    content = (
        csv_bytes([row()])
        + b"A,B,,HEALTHY,HEALTHY-1,citywide,2026-01-01,2026-01-02,,,,,public,EXTRA\r\n"
    )
    importer(content)
    run_jobs()
    activity_import = db.session.scalar(select(ActivityImport))
    assert activity_import.status == "rejected"
    assert activity_import.errors == [(3, "", "This row has more cells than there are columns")]
    assert activity_count() == 0


def test_ten_thousand_rows_import_through_the_background_job(client, importer, run_jobs):
    rows = [
        row(title=f"Activity {i}", partners="", wards="Armley" if i % 2 else "citywide")
        for i in range(10_000)
    ]
    response = importer(csv_bytes(rows))
    assert response.status_code == 302
    status_url = response.headers["Location"]
    run_jobs()
    progress = client.get(status_url + "/progress.json").get_json()
    assert progress["finished"] is True and progress["status"] == "imported"
    assert progress["processed_rows"] == progress["total_rows"] == 10_000
    assert activity_count() == 10_000
    assert "10,000 activities" in client.get(status_url).text


def test_one_bad_row_in_ten_thousand_stops_the_whole_import(importer, run_jobs):
    rows = [row(title=f"Activity {i}") for i in range(10_000)]
    rows[9_876]["goals"] = "NOT-A-GOAL"
    importer(csv_bytes(rows))
    run_jobs()
    activity_import = db.session.scalar(select(ActivityImport))
    assert activity_import.status == "rejected"
    assert activity_import.errors == [
        (9_878, "goals", "‘NOT-A-GOAL’ is not a goal code, like HEALTHY-1")
    ]
    assert activity_count() == 0


def test_the_job_is_idempotent(importer, run_jobs):
    from portal.core.csv_import import run_registered_import

    importer(csv_bytes([row(), row(title="Second")]))
    run_jobs()
    activity_import = db.session.scalar(select(ActivityImport))
    run_registered_import("activities", activity_import.id)  # a retry or duplicate enqueue
    assert activity_count() == 2


def test_an_unfinished_import_shows_progress_and_a_refresh_link(client, importer):
    activity_import = ActivityImport(
        organisation_id=importer.organisation.id,
        total_rows=10_000,
        processed_rows=2_500,
        status="checking",
        filename="big.csv",
    )
    db.session.add(activity_import)
    db.session.commit()
    url = f"/orgs/{importer.organisation.id}/activities/imports/{activity_import.id}"
    page = client.get(url).text
    assert "2,500 of 10,000 rows checked" in page
    assert "Refresh to see progress" in page
    assert "import_progress.js" in page
    assert "<script>" not in page and "http-equiv" not in page
    assert client.get(url + "/progress.json").get_json()["percent"] == 25


def test_other_organisations_cannot_see_or_start_an_import(client, login):
    organisation = OrganisationFactory()
    activity_import = ActivityImport(organisation_id=organisation.id, filename="x.csv")
    db.session.add(activity_import)
    db.session.commit()
    other = OrganisationFactory()
    login(member_of(other))
    base = f"/orgs/{organisation.id}/activities"
    assert client.get(f"{base}/imports/{activity_import.id}").status_code == 403
    assert client.get(f"{base}/imports/{activity_import.id}/progress.json").status_code == 403
    assert client.get(f"{base}/import").status_code == 403
    assert client.get(f"{base}/import/template.csv").status_code == 403
    # Through their own organisation's URL, someone else's import is not found.
    own = f"/orgs/{other.id}/activities/imports/{activity_import.id}"
    assert client.get(own).status_code == 404


def test_a_file_with_too_many_rows_is_refused(importer, monkeypatch):
    from dataclasses import replace

    from portal.activities import csv_import

    monkeypatch.setattr(csv_import, "SPEC", replace(csv_import.SPEC, max_rows=5))
    response = importer(csv_bytes([row()] * 6))
    assert response.status_code == 200
    assert "The file has more than 5 rows: split it up" in response.text
    assert db.session.scalar(select(func.count(ActivityImport.id))) == 0


def test_an_import_whose_job_was_lost_is_resumed_by_the_sweep(importer, run_jobs):
    """Redis was down at upload: the file waits in the database and the sweep re-enqueues it."""
    from datetime import timedelta

    from portal.activities.services import ACTIVITY_IMPORTS
    from portal.core.csv_import import resume_stalled_imports
    from portal.core.models import utcnow

    def waiting_import(minutes_ago: int) -> ActivityImport:
        activity_import = ActivityImport(
            organisation_id=importer.organisation.id,
            content=csv_bytes([row(title=f"Lost {minutes_ago}")]).decode(),
            total_rows=1,
            created_at=utcnow() - timedelta(minutes=minutes_ago),
        )
        db.session.add(activity_import)
        return activity_import

    lost, recent = waiting_import(20), waiting_import(0)
    db.session.commit()
    assert resume_stalled_imports([ACTIVITY_IMPORTS]) == 1
    run_jobs()
    db.session.expire_all()
    assert lost.status == "imported" and recent.status == "queued"
    assert db.session.scalars(select(Activity.title)).all() == ["Lost 20"]
    assert resume_stalled_imports([ACTIVITY_IMPORTS]) == 0  # finished imports are left alone


def test_the_same_activity_twice_in_one_file_imports_nothing_and_names_both_rows(
    client, importer, run_jobs
):
    """Issue 10, case 8: a repeated row used to be imported twice, doubling its figures."""
    rows = [row(), row(title="Bike repair"), row(title="  repair CAFÉ ", spend="£300.00")]
    response = importer(csv_bytes(rows))
    run_jobs()
    assert activity_count() == 0
    activity_import = db.session.scalar(select(ActivityImport))
    assert activity_import.status == "rejected"
    assert [(number, column) for number, column, _ in activity_import.errors] == [(4, "title")]
    page = client.get(response.headers["Location"]).text
    assert "This repeats row 2: the same title, dates and wards" in page


def test_the_same_title_in_other_wards_or_dates_is_a_different_activity(importer, run_jobs):
    rows = [row(), row(wards="Armley"), row(start_date="2026-05-01", end_date="2026-05-31")]
    importer(csv_bytes(rows))
    run_jobs()
    assert activity_count() == 3
