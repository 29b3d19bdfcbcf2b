"""The wall's CSV streams when small; above the threshold a job prepares the file, which then
downloads, is reused for the same filters within the day and is cleared away after it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.pledges.jobs import remove_old_pledge_exports
from portal.pledges.models import PledgeExport
from tests.pledges.factories import make_pledge


@pytest.fixture(autouse=True)
def export_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_DIR", str(tmp_path))
    return tmp_path


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _prepare(client, query: str = "") -> str:
    page = client.get(f"/pledges/export.csv{query}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "Prepare the CSV file" in body
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body)
    action = re.search(r'<form method="post" action="([^"]+)"', body).group(1)
    data = {"csrf_token": token.group(1)} if token else {}
    response = client.post(action.replace("&amp;", "&"), data=data)
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_small_export_streams_at_once(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_STREAM_MAX", 2)
    make_pledge(title="One")
    make_pledge(title="Two")
    response = client.get("/pledges/export.csv")
    assert response.mimetype == "text/csv"
    assert [r["title"] for r in _rows(response.get_data(as_text=True))] == ["Two", "One"]


def test_a_large_export_is_prepared_by_a_job_then_downloads(app, client, monkeypatch, run_jobs):
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_STREAM_MAX", 2)
    for title in ("One", "Two", '=HYPERLINK("http://evil.example")'):
        make_pledge(title=title)
    status_url = _prepare(client)
    run_jobs()  # in-process it already ran when the request committed
    status = client.get(status_url).get_data(as_text=True)
    assert "Your CSV file is ready" in status and "3 pledges" in status
    assert "Check again" not in status
    download = re.search(r'href="([^"]+/file)"', status).group(1)
    response = client.get(download)
    assert response.mimetype == "text/csv"
    rows = _rows(response.get_data(as_text=True))
    response.close()
    assert len(rows) == 3
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example")'  # neutralised

    # The same filters again reuse the ready file.
    assert _prepare(client) == status_url
    assert db.session.scalar(select(db.func.count()).select_from(PledgeExport)) == 1


def test_the_status_page_says_the_file_is_being_prepared(app, client, monkeypatch):
    export = PledgeExport(filters="{}")
    db.session.add(export)
    db.session.commit()
    page = client.get(f"/pledges/export/{export.id}").get_data(as_text=True)
    assert "being prepared" in page and "Check again" in page
    # No file yet: the download address leads back to the status page.
    response = client.get(f"/pledges/export/{export.id}/file")
    assert response.status_code == 302
    assert client.get("/pledges/export/999999").status_code == 404


def test_exports_over_a_day_old_are_removed_with_their_files(
    app, client, monkeypatch, export_dir, run_jobs
):
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_STREAM_MAX", 0)
    make_pledge()
    _prepare(client)
    run_jobs()
    export = db.session.scalar(select(PledgeExport))
    path = export_dir / export.filename
    assert path.exists()
    assert remove_old_pledge_exports() == 0
    export.created_at -= timedelta(days=1, minutes=1)
    db.session.commit()
    assert remove_old_pledge_exports() == 1
    assert not path.exists()
    assert db.session.scalar(select(PledgeExport)) is None


def test_the_export_pages_queries_do_not_grow_with_the_pledges(
    app, client, monkeypatch, count_queries
):
    monkeypatch.setitem(app.config, "PLEDGE_EXPORT_STREAM_MAX", 1)
    make_pledge()
    make_pledge()
    status_url = _prepare(client)

    def counted(path: str) -> int:
        with count_queries() as counter:
            client.get(path).get_data()
        return counter.count

    few = counted("/pledges/export.csv"), counted(status_url)
    for _ in range(10):
        make_pledge()
    assert (counted("/pledges/export.csv"), counted(status_url)) == few
