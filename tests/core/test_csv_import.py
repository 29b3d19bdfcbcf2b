"""The shared CSV import: decoding, header, size, row checks, status vocabulary, job and sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import exc, func, select, text

from portal.activities.models import Activity, ActivityImport
from portal.core import csv_import, csv_rows
from portal.core.csv_import import ImportStatus
from portal.core.csv_rows import Column, CsvFileError, CsvSpec, RowError
from portal.core.models import utcnow
from portal.extensions import db
from portal.scorecard.models import IndicatorValue, ScorecardImport
from tests.factories import OrganisationFactory, convenor
from tests.scorecard.factories import load_scorecard

ACTIVITY_CSV = (
    "title,goals,wards,start_date,end_date\nRepair café,RESILIENT-1,Armley,2026-04-01,2026-04-30\n"
)
VALUES_CSV = "indicator,period,value\nfuel-poverty,2025,12\n"


def _number(value: str, row: csv_rows.Row[None]) -> int:
    if not value.isdigit():
        raise ValueError("Enter a whole number")
    return int(value)


SPEC: CsvSpec[None, tuple[str, int]] = CsvSpec(
    columns=[
        Column("name", required=True, blank="Enter the name"),
        Column("count", parse=_number),
    ],
    build=lambda row: (row.values["name"], row.values["count"]),
    what="things",
    duplicate_key=lambda record: record[0],
    duplicate=lambda first: ("name", f"This repeats row {first}"),
)


def test_decode_strips_the_byte_order_mark_and_names_the_bad_byte():
    assert csv_rows.decode("\ufeffname\nÉclair\n".encode(), max_mb=1) == "name\nÉclair\n"
    with pytest.raises(CsvFileError, match="‘CSV UTF-8’: byte 6 is not valid UTF-8"):
        csv_rows.decode("name\nÉclair\n".encode("cp1252"), max_mb=1)


def test_the_size_limit_is_in_one_unit_with_one_message():
    exactly = b"name\n" + b"x" * (csv_rows.BYTES_PER_MB - 5)
    assert csv_rows.decode(exactly, max_mb=1)
    with pytest.raises(CsvFileError, match=r"^The selected file must be smaller than 1 MB$"):
        csv_rows.decode(exactly + b"x", max_mb=1)


def test_the_header_names_missing_unknown_and_repeated_columns():
    with pytest.raises(CsvFileError, match="missing these columns: name"):
        csv_rows.count_rows(SPEC, "count\n1\n")
    with pytest.raises(CsvFileError, match="does not know: colour, size"):
        csv_rows.count_rows(SPEC, "name,colour,size\na,b,c\n")
    with pytest.raises(CsvFileError, match="more than once: name"):
        csv_rows.count_rows(SPEC, "name,Name\na,b\n")
    with pytest.raises(CsvFileError, match="no rows of things"):
        csv_rows.count_rows(SPEC, "name,count\n\n")


def test_rows_are_checked_by_the_declared_parsers_with_row_numbers_and_duplicates():
    report = csv_rows.check_text(
        SPEC, "Name , Count\na,1\n,2\nb,lots\n\na,3\nc,4,extra\nd,\n", None
    )
    assert report.errors == [
        RowError(3, "name", "Enter the name"),
        RowError(4, "count", "Enter a whole number"),
        RowError(6, "name", "This repeats row 2"),
        RowError(7, "", "This row has more cells than there are columns"),
        RowError(8, "count", "Enter a whole number"),
    ]
    assert report.records == [("a", 1)] and report.total_rows == 6


def test_every_feature_refuses_an_oversized_file_with_the_same_message(client, login, app):
    """Scorecard and activities used to word (and count) their size limits differently."""
    from tests.factories import MembershipFactory
    from tests.scorecard.test_import import upload

    load_scorecard()
    organisation = OrganisationFactory()
    user = convenor("HEALTHY")
    MembershipFactory(user=user, organisation=organisation)
    login(user)
    limit_mb = app.config["MAX_UPLOAD_BYTES"] // csv_rows.BYTES_PER_MB
    response = upload(
        client,
        b"title\n" + b"x" * (limit_mb * csv_rows.BYTES_PER_MB),
        url=f"/orgs/{organisation.id}/activities/import",
    )
    assert f"The selected file must be smaller than {limit_mb} MB" in response.text
    response = upload(client, b"indicator\n" + b"x" * (5 * csv_rows.BYTES_PER_MB))
    assert "The selected file must be smaller than 5 MB" in response.text


@pytest.mark.parametrize("table", ["activity_imports", "scorecard_imports"])
@pytest.mark.parametrize("word", ["completed", "succeeded", "pending", "bogus"])
def test_the_database_refuses_a_status_outside_the_vocabulary(table, word):
    organisation = OrganisationFactory()
    user = convenor("HEALTHY")
    entries = {
        "activity_imports": ActivityImport(organisation_id=organisation.id),
        "scorecard_imports": ScorecardImport(created_by_id=user.id),
    }
    entry = entries[table]
    db.session.add(entry)
    db.session.commit()
    with pytest.raises(exc.IntegrityError):
        db.session.execute(
            text(f"UPDATE {table} SET status = :word WHERE id = :id"),
            {"word": word, "id": entry.id},
        )
        db.session.flush()
    db.session.rollback()


def test_both_features_report_progress_under_the_same_keys():
    organisation = OrganisationFactory()
    user = convenor("HEALTHY")
    activity_import = ActivityImport(organisation_id=organisation.id, total_rows=4)
    scorecard_import = ScorecardImport(created_by_id=user.id, total_rows=4, processed_rows=1)
    db.session.add_all([activity_import, scorecard_import])
    db.session.commit()
    assert activity_import.progress().keys() == scorecard_import.progress().keys()
    assert scorecard_import.progress() == {
        "status": "queued",
        "status_label": "Waiting to start",
        "finished": False,
        "processed_rows": 1,
        "total_rows": 4,
        "percent": 25,
    }


def _stalled_imports(minutes_ago: int) -> tuple[ActivityImport, ScorecardImport]:
    created = utcnow() - timedelta(minutes=minutes_ago)
    activity_import = ActivityImport(
        organisation_id=OrganisationFactory().id,
        content=ACTIVITY_CSV,
        total_rows=1,
        created_at=created,
    )
    scorecard_import = ScorecardImport(
        created_by_id=convenor("RESILIENT").id,
        content=VALUES_CSV,
        total_rows=1,
        created_at=created,
        status=ImportStatus.CHECKING,  # a worker died part way through
    )
    db.session.add_all([activity_import, scorecard_import])
    db.session.commit()
    return activity_import, scorecard_import


def test_one_sweep_resumes_stalled_imports_of_every_feature(run_jobs):
    import portal.activities.services
    import portal.scorecard.services  # noqa: F401  (each feature registers its import)

    load_scorecard()
    stalled = _stalled_imports(minutes_ago=20)
    recent = _stalled_imports(minutes_ago=0)
    assert {kind.model for kind in csv_import.registered_kinds()} >= {
        ActivityImport,
        ScorecardImport,
    }
    assert csv_import.resume_stalled_imports() == 2
    run_jobs()
    db.session.expire_all()
    assert [entry.status for entry in stalled] == ["imported", "imported"]
    assert [entry.status for entry in recent] == ["queued", "checking"]
    assert db.session.scalar(select(func.count(Activity.id))) == 1
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == 1
    assert csv_import.resume_stalled_imports() == 0  # finished and recent imports are left alone


def test_an_import_queued_while_its_job_was_lost_resumes_after_a_minute(run_jobs):
    """A queued import (Redis down at upload) is picked up by the next minute's sweep; one
    being checked may still be running, so it is left for longer."""
    import portal.activities.services
    import portal.scorecard.services  # noqa: F401

    load_scorecard()
    queued, checking = _stalled_imports(minutes_ago=2)
    assert csv_import.resume_stalled_imports() == 1
    run_jobs()
    db.session.expire_all()
    assert (queued.status, checking.status) == ("imported", "checking")


def test_re_running_a_finished_import_applies_nothing_twice(run_jobs):

    load_scorecard()
    activity_import, scorecard_import = _stalled_imports(minutes_ago=0)
    for _ in range(2):
        csv_import.run_registered_import("activities", activity_import.id)
        csv_import.run_registered_import("scorecard", scorecard_import.id)
    # A finished import whose file is put back (a late duplicate job) is still not re-applied.
    db.session.expire_all()
    for entry in (activity_import, scorecard_import):
        entry.content = ACTIVITY_CSV if entry is activity_import else VALUES_CSV
    db.session.commit()
    csv_import.run_registered_import("activities", activity_import.id)
    csv_import.run_registered_import("scorecard", scorecard_import.id)
    db.session.expire_all()
    assert activity_import.status == scorecard_import.status == "imported"
    assert activity_import.imported_rows == scorecard_import.imported_rows == 1
    assert db.session.scalar(select(func.count(Activity.id))) == 1
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == 1


def test_a_failure_while_saving_marks_the_import_failed_and_saves_nothing(monkeypatch):
    """The scorecard import used to stay 'running' for ever when saving its rows raised."""
    from dataclasses import replace

    from portal.scorecard import services

    load_scorecard()
    _, scorecard_import = _stalled_imports(minutes_ago=0)
    kind = services.SCORECARD_IMPORTS

    def broken(entry: ScorecardImport, rows: list) -> int:
        kind.apply(entry, rows)  # the rows are saved, then something goes wrong
        raise RuntimeError("disk full")

    monkeypatch.setitem(csv_import._KINDS, "scorecard", replace(kind, apply=broken))
    with pytest.raises(RuntimeError):
        csv_import.run_registered_import("scorecard", scorecard_import.id)
    db.session.expire_all()
    assert scorecard_import.status == "failed" and scorecard_import.is_finished
    assert db.session.scalar(select(func.count(IndicatorValue.id))) == 0
