"""CSV imports of values (all or nothing, through the job) and admin replacement of ward figures."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditLog, Ward
from portal.extensions import db
from portal.scorecard.models import ScorecardImport, WardDeprivation
from portal.scorecard.services import (
    deprivation_is_illustrative,
    shipped_deprivation_rows,
    ward_decile_map,
)
from tests.factories import convenor, member_of, platform_admin
from tests.scorecard.factories import add_value, load_scorecard, values

HEADER = "indicator,period,breakdown,category,value,source,notes\n"


def upload(client, text: str | bytes, filename: str = "values.csv", url: str = "/scorecard/import"):
    # The body is encoded here: the test client spools a large body to a temporary file that it
    # never closes (a ResourceWarning under filterwarnings=error).
    data = text.encode() if isinstance(text, str) else text
    boundary = "scorecard-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{client._csrf_token()}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", csrf=False
    )


def latest_import() -> ScorecardImport:
    db.session.expire_all()
    return db.session.scalars(select(ScorecardImport).order_by(ScorecardImport.id.desc())).first()


def test_the_template_downloads_with_every_column(client, login):
    login(convenor("HEALTHY"))
    response = client.get("/scorecard/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == HEADER.strip()


def test_a_clean_file_is_imported_completely(client, login, run_jobs):
    load_scorecard()
    login(convenor("HEALTHY"))
    response = upload(
        client,
        HEADER
        + "life-expectancy-female,2024,,,81.9,ONS,\n"
        + "life-expectancy-female,2025,,,82.1,ONS,\n"
        + "life-expectancy-female,2025,ward,Armley,79.4,ONS,\n"
        + "life-expectancy-female,2025,deprivation_decile,1,77.0,ONS,\n",
    )
    assert response.status_code == 302
    run_jobs()
    entry = latest_import()
    assert entry.status == "imported" and entry.imported_rows == 4
    assert len(values("life-expectancy-female")) == 4
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Values imported" in page and "4 values" in page
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "scorecard.values_imported"))


def test_a_file_with_errors_changes_nothing_and_reports_each_problem(client, login, run_jobs):
    load_scorecard()
    existing = add_value("life-expectancy-female", 2024, 80.0)
    login(convenor("HEALTHY"))
    response = upload(
        client,
        HEADER
        + "life-expectancy-female,2024,,,99.9,ONS,\n"  # valid, but must not be applied
        + "life-expectancy-female,2025,ward,Atlantis,79.4,ONS,\n"
        + "employment-rate,2025 Q1,,,70,,\n",  # another Ambition's indicator
    )
    run_jobs()
    entry = latest_import()
    assert entry.status == "rejected"
    [kept] = values("life-expectancy-female")
    assert kept.id == existing.id and kept.value == 80.0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Atlantis" in page and "Ambitions you convene" in page
    report = client.get(f"/scorecard/imports/{entry.id}/problems.csv").get_data(as_text=True)
    assert report.splitlines()[1:] == [
        "3,category,'Atlantis' is not a ward: use a ward name as it appears on the portal",
        "4,indicator,You can only record values for the Ambitions you convene",
    ]


def test_malformed_uploads_never_fail_the_request(client, login, run_jobs):
    load_scorecard()
    login(convenor("HEALTHY"))
    response = upload(client, "café,period\n".encode("latin-1"))
    assert response.status_code == 200
    assert "CSV UTF-8" in response.get_data(as_text=True)
    response = upload(client, b"x" * (5 * 1024 * 1024 + 10))
    assert response.status_code == 200
    assert "smaller than 5 MB" in response.get_data(as_text=True)
    response = upload(client, b"\x00\x01PK binary")
    assert response.status_code == 200
    response = upload(client, "indicator,value\n", filename="values.xlsx")
    assert "must be a CSV file" in response.get_data(as_text=True)
    response = client.post("/scorecard/import", data={})
    assert "Select a CSV file" in response.get_data(as_text=True)
    assert latest_import() is None
    # Missing columns are named on the upload page, as every import does.
    response = upload(client, "indicator,year\nlife-expectancy-female,2025\n")
    assert response.status_code == 200
    assert "missing these columns: period, value" in response.get_data(as_text=True)
    assert latest_import() is None


def test_a_large_file_runs_through_the_job_and_reports_progress(client, login, run_jobs):
    load_scorecard()
    wards = list(db.session.scalars(select(Ward.name)))
    lines = [HEADER]
    for code in (
        "life-expectancy-female",
        "life-expectancy-male",
        "tree-canopy-cover",
        "fuel-poverty",
    ):
        for year in range(2000, 2101):
            for ward in wards:
                lines.append(f'{code},{year},ward,"{ward}",{50 + year % 7},Test,\n')
    text = "".join(lines[:10_001])
    login(platform_admin())
    response = upload(client, text, filename="big.csv")
    assert response.status_code == 302
    run_jobs()
    entry = latest_import()
    assert entry.status == "imported"
    assert entry.total_rows == entry.processed_rows == entry.imported_rows == 10_000
    assert entry.percent_done == 100
    progress = client.get(f"/scorecard/imports/{entry.id}/progress.json").get_json()
    assert progress["finished"] and progress["processed_rows"] == 10_000
    assert len(values()) == 10_000


def test_the_progress_page_shows_a_pending_import(client, login):
    user = convenor("HEALTHY")
    entry = ScorecardImport(
        created_by_id=user.id,
        filename="waiting.csv",
        content=HEADER,
        total_rows=200,
        processed_rows=50,
    )
    db.session.add(entry)
    db.session.commit()
    login(user)
    page = client.get(f"/scorecard/imports/{entry.id}").get_data(as_text=True)
    assert "Importing waiting.csv" in page and "25%" in page
    assert "import_progress.js" in page
    assert client.get(f"/scorecard/imports/{entry.id}/progress.json").get_json()["percent"] == 25


def test_running_the_import_job_twice_does_no_harm(client, login, run_jobs):
    from portal.core.csv_import import run_registered_import

    load_scorecard()
    login(convenor("HEALTHY"))
    upload(client, HEADER + "fuel-poverty,2025,,,12,,\n")
    client.post("/sign-out")
    login(convenor("RESILIENT"))
    upload(client, HEADER + "fuel-poverty,2025,,,12,,\n")
    run_jobs()
    entry = latest_import()
    assert entry.status == "imported"
    run_registered_import("scorecard", entry.id)
    assert len(values("fuel-poverty")) == 1


def test_imports_are_private_to_their_author_and_admins(client, login, run_jobs):
    load_scorecard()
    author = convenor("HEALTHY")
    login(author)
    upload(client, HEADER + "low-birth-weight,2025,,,70,,\n")
    run_jobs()
    entry = latest_import()
    client.post("/sign-out")
    login(convenor("HEALTHY"))
    assert client.get(f"/scorecard/imports/{entry.id}").status_code == 404
    assert client.get(f"/scorecard/imports/{entry.id}/problems.csv").status_code == 404
    client.post("/sign-out")
    login(member_of())
    assert client.get("/scorecard/import").status_code == 403
    assert upload(client, HEADER).status_code == 403
    client.post("/sign-out")
    login(platform_admin())
    assert client.get(f"/scorecard/imports/{entry.id}").status_code == 200


# Ward deprivation -----------------------------------------------------------------------------


def deprivation_file(override: dict[str, str] | None = None) -> str:
    override = override or {}
    rows = ["ward,share_most_deprived,source"]
    for row in shipped_deprivation_rows():
        share = override.get(row["ward"], str(100 - float(row["share_most_deprived"])))
        rows.append(f'"{row["ward"]}",{share},IoD2025 mapped to wards')
    return "\n".join(rows) + "\n"


def test_shipped_figures_are_illustrative_and_give_a_decile_per_ward(client):
    load_scorecard()
    deciles = ward_decile_map()
    assert len(deciles) == 33 and set(deciles.values()) == set(range(1, 11))
    assert deprivation_is_illustrative()
    page = client.get("/scorecard/wards").get_data(as_text=True)
    assert "illustrative, not official statistics" in page
    assert "32,844" in page and "114" in page


def test_admin_replaces_the_figures_and_the_illustrative_notice_goes(client, login):
    load_scorecard()
    armley = db.session.scalar(select(Ward).where(Ward.name == "Armley"))
    before = ward_decile_map()[armley.id]
    login(platform_admin())
    assert client.get("/scorecard/wards/upload").status_code == 200
    response = upload(
        client, deprivation_file(), filename="iod2025.csv", url="/scorecard/wards/upload"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert not deprivation_is_illustrative()
    assert ward_decile_map()[armley.id] != before  # shares were inverted
    assert db.session.scalar(
        select(AuditLog).where(AuditLog.action == "scorecard.ward_deprivation_replaced")
    )
    page = client.get("/scorecard/wards").get_data(as_text=True)
    assert "illustrative, not official statistics" not in page
    assert "IoD2025 mapped to wards" in page


def test_a_bad_deprivation_file_changes_nothing(client, login):
    load_scorecard()
    before = ward_decile_map()
    login(platform_admin())
    response = upload(
        client,
        deprivation_file({"Armley": "lots", "Harewood": "120"}),
        url="/scorecard/wards/upload",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "nothing was changed" in page and "share_most_deprived" in page
    db.session.expire_all()
    assert ward_decile_map() == before
    assert all(d.is_illustrative for d in db.session.scalars(select(WardDeprivation)))
    response = upload(client, b"\xff\xfe\x00bad", url="/scorecard/wards/upload")
    assert response.status_code == 200


def test_only_admins_replace_ward_figures(client, login):
    load_scorecard()
    login(convenor("HEALTHY"))
    assert client.get("/scorecard/wards/upload").status_code == 403
    assert upload(client, deprivation_file(), url="/scorecard/wards/upload").status_code == 403
    assert deprivation_is_illustrative()


def test_the_sweep_resumes_an_import_whose_job_was_lost(run_jobs):
    from datetime import timedelta

    from portal.core.csv_import import resume_stalled_imports
    from portal.core.models import utcnow
    from portal.jobs.schedule import periodic_job_definitions
    from portal.scorecard.services import SCORECARD_IMPORTS

    load_scorecard()
    user = convenor("RESILIENT")
    lost = ScorecardImport(
        created_by_id=user.id,
        filename="lost.csv",
        content=HEADER + "fuel-poverty,2025,,,12,,\n",
        created_at=utcnow() - timedelta(hours=1),
    )
    fresh = ScorecardImport(created_by_id=user.id, filename="new.csv", content=HEADER)
    db.session.add_all([lost, fresh])
    db.session.commit()
    assert resume_stalled_imports([SCORECARD_IMPORTS]) == 1
    run_jobs()
    db.session.expire_all()
    assert db.session.get(ScorecardImport, lost.id).status == "imported"
    assert db.session.get(ScorecardImport, fresh.id).status == "queued"
    assert len(values("fuel-poverty")) == 1
    assert "portal.core.csv_import.resume_stalled_imports" in [
        job.func_path for job in periodic_job_definitions()
    ]


def test_a_percentage_below_zero_in_a_file_is_reported_and_nothing_imported(
    client, login, run_jobs
):
    load_scorecard()
    login(convenor("HEALTHY"))
    response = upload(
        client,
        HEADER + "children-feeling-happy,2024,,,61.0,,\n" + "children-feeling-happy,2025,,,-5,,\n",
    )
    run_jobs()
    assert latest_import().status == "rejected"
    assert values("children-feeling-happy") == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enter a percentage between 0 and 100" in page
