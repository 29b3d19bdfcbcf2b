"""Evidence uploads: type checked by content, size limited, stored privately, members only."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.assessment import uploads
from portal.assessment.models import EvidenceFile
from portal.assessment.services import current_year
from portal.extensions import db
from tests.assessment.factories import make_assessment
from tests.factories import OrganisationFactory, member_of, platform_admin

YEAR = current_year()
PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office_file(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, uploads.PDF),
        (PNG_BYTES, uploads.PNG),
        (JPEG_BYTES, uploads.JPEG),
        (office_file("word/document.xml"), uploads.DOCX),
        (office_file("xl/workbook.xml"), uploads.XLSX),
        (b"MZ\x90\x00 a windows program", None),
        (b"<html><script>alert(1)</script>", None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_sniff_reads_the_bytes(content, expected):
    assert uploads.sniff(content) == expected


def test_a_plain_zip_is_not_an_office_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "hello")
    assert uploads.sniff(buffer.getvalue()) is None


@pytest.fixture
def draft_page(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = make_assessment(organisation, YEAR, submitted=False)
    criterion = assessment.framework.criteria[0]
    login(user)
    return {
        "user": user,
        "organisation": organisation,
        "assessment": assessment,
        "criterion": criterion,
        "url": f"/orgs/{organisation.id}/assessment/{YEAR}/evidence/{criterion.id}",
    }


def _upload(client, url, name, content):
    # Encoded here rather than by the test client, whose spooled temporary file for a large body
    # is never closed (a ResourceWarning under filterwarnings=error).
    boundary = "assessment-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{client._csrf_token()}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        url, data=body, content_type=f"multipart/form-data; boundary={boundary}", csrf=False
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("policy.pdf", PDF_BYTES),
        ("chart.png", PNG_BYTES),
        ("photo.JPG", JPEG_BYTES),
        ("report.docx", office_file("word/document.xml")),
        ("figures.xlsx", office_file("xl/workbook.xml")),
    ],
)
def test_accepted_files_upload_and_download_for_members(app, client, draft_page, name, content):
    response = _upload(client, draft_page["url"], name, content)
    assert response.status_code == 302
    stored = db.session.scalar(select(EvidenceFile))
    path = Path(app.config["UPLOAD_FOLDER"]) / "assessment" / stored.stored_name
    assert path.read_bytes() == content
    assert "static" not in path.parts
    page = client.get(draft_page["url"]).get_data(as_text=True)
    assert stored.original_name in page
    download = client.get(f"/assessment/files/{stored.id}")
    assert download.status_code == 200
    assert download.data == content
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "must be a PDF, Word (DOCX), Excel (XLSX), PNG or JPEG"),
        ("page.html", b"<html></html>", "must be a PDF"),
        ("spoofed.pdf", b"MZ\x90\x00 a program renamed", "is not a real PDF file"),
        ("picture.pdf", PNG_BYTES, "is not a real PDF file"),
        ("archive.docx", b"PK\x03\x04 junk", "is not a real DOCX file"),
        ("sheet.docx", office_file("xl/workbook.xml"), "is not a real DOCX file"),
        ("noextension", PDF_BYTES, "must be a PDF"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    app, client, draft_page, name, content, message
):
    folder = Path(app.config["UPLOAD_FOLDER"]) / "assessment"
    before = set(folder.iterdir()) if folder.exists() else set()
    response = _upload(client, draft_page["url"], name, content)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in text
    assert "govuk-error-summary" in text
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_a_file_over_10_mb_is_refused(client, draft_page):
    content = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    response = _upload(client, draft_page["url"], "huge.pdf", content)
    assert "must be smaller than 10 MB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_posting_without_a_file_asks_for_one(client, draft_page):
    response = client.post(draft_page["url"], data={}, content_type="multipart/form-data")
    assert "Select a file to upload" in response.get_data(as_text=True)


def test_other_organisations_cannot_see_upload_or_download(app, client, login, draft_page):
    assert _upload(client, draft_page["url"], "policy.pdf", PDF_BYTES).status_code == 302
    stored = db.session.scalar(select(EvidenceFile))
    client.post("/sign-out")
    outsider = member_of(OrganisationFactory())
    login(outsider)
    assert client.get(f"/assessment/files/{stored.id}").status_code == 403
    assert client.get(draft_page["url"]).status_code == 403
    assert _upload(client, draft_page["url"], "x.pdf", PDF_BYTES).status_code == 403
    delete = f"{draft_page['url']}/{stored.id}/delete"
    assert client.post(delete).status_code == 403
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 1
    client.post("/sign-out")
    assert client.get(f"/assessment/files/{stored.id}").status_code in (302, 401)
    login(platform_admin())
    assert client.get(f"/assessment/files/{stored.id}").status_code == 200


def test_uploads_are_not_reachable_as_static_files(app, client, draft_page):
    _upload(client, draft_page["url"], "policy.pdf", PDF_BYTES)
    stored = db.session.scalar(select(EvidenceFile))
    assert client.get(f"/static/{stored.stored_name}").status_code == 404
    assert client.get(f"/static/assessment/{stored.stored_name}").status_code == 404


def test_a_file_can_be_removed_from_a_draft(app, client, draft_page):
    _upload(client, draft_page["url"], "policy.pdf", PDF_BYTES)
    stored = db.session.scalar(select(EvidenceFile))
    path = Path(app.config["UPLOAD_FOLDER"]) / "assessment" / stored.stored_name
    response = client.post(f"{draft_page['url']}/{stored.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    assert not path.exists()


def test_a_file_of_another_assessment_cannot_be_deleted_through_this_one(client, draft_page):
    other = make_assessment(draft_page["organisation"], YEAR - 1, submitted=False)
    db.session.add(
        EvidenceFile(
            assessment_id=other.id,
            criterion_id=other.framework.criteria[0].id,
            original_name="old.pdf",
            stored_name="a" * 32,
            content_type=uploads.PDF,
            size=10,
        )
    )
    db.session.commit()
    stored = db.session.scalar(select(EvidenceFile))
    assert client.post(f"{draft_page['url']}/{stored.id}/delete").status_code == 404


def test_submitted_assessments_take_no_more_files(client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    assessment = make_assessment(organisation, YEAR, submitted=True)
    login(user)
    url = (
        f"/orgs/{organisation.id}/assessment/{YEAR}/evidence/{assessment.framework.criteria[0].id}"
    )
    assert "Upload file" not in client.get(url).get_data(as_text=True)
    assert _upload(client, url, "late.pdf", PDF_BYTES).status_code == 409
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_files_carry_over_to_the_next_cycle_and_survive_removal_there(app, client, login):
    user = member_of()
    organisation = user.memberships[0].organisation
    last = make_assessment(organisation, YEAR - 1, submitted=False)
    criterion = last.framework.criteria[0]
    login(user)
    url = f"/orgs/{organisation.id}/assessment/{YEAR - 1}/evidence/{criterion.id}"
    _upload(client, url, "policy.pdf", PDF_BYTES)
    last.status = "submitted"
    db.session.commit()
    client.post(f"/orgs/{organisation.id}/assessment/start")
    files = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id)).all()
    assert len(files) == 2 and files[0].stored_name == files[1].stored_name
    path = Path(app.config["UPLOAD_FOLDER"]) / "assessment" / files[0].stored_name
    this_year = f"/orgs/{organisation.id}/assessment/{YEAR}/evidence/{criterion.id}"
    client.post(f"{this_year}/{files[1].id}/delete")
    assert path.exists()  # last year's submitted assessment still refers to it


def test_a_request_over_the_server_limit_is_a_friendly_413(client, draft_page):
    response = _upload(client, draft_page["url"], "huge.pdf", PDF_BYTES + b"0" * (13 * 1024 * 1024))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
