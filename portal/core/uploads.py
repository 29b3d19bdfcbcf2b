"""Uploaded files, for every feature that takes them: what a file really is (by its first
bytes, not its name), the one check every upload form makes, where the files live, and how
they are sent back to the people who may have them."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from flask import Response, current_app, send_file

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DOCUMENTS = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "xlsx": XLSX}
DOCUMENTS_DESCRIPTION = "PDF, Word (DOCX), Excel (XLSX), PNG or JPEG"
IMAGES = {"png": PNG, "jpg": JPEG, "jpeg": JPEG}
IMAGES_DESCRIPTION = "PNG or JPEG"


class UploadError(ValueError):
    """The upload was refused; the message is for the person."""


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, among the accepted ones, or None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        # DOCX and XLSX are zip packages; their part names tell them apart from any other zip.
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(name.startswith("word/") for name in names):
            return DOCX
        if any(name.startswith("xl/") for name in names):
            return XLSX
    return None


def check_upload(
    filename: str,
    content: bytes,
    max_bytes: int,
    *,
    accepted: dict[str, str] = DOCUMENTS,
    description: str = DOCUMENTS_DESCRIPTION,
    noun: str = "file",
) -> str:
    """The content type if the name and the bytes agree on one of `accepted` and it is small
    enough; else UploadError saying which."""
    if not content:
        raise UploadError(f"The selected {noun} is empty")
    if len(content) > max_bytes:
        raise UploadError(f"The selected {noun} must be smaller than {max_bytes // 1048576} MB")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = accepted.get(extension)
    if expected is None:
        raise UploadError(f"The selected {noun} must be a {description}")
    if sniff(content) != expected:
        raise UploadError(
            f"The selected {noun} is not a real {extension.upper()} file. Upload a {description}"
        )
    return expected


class FileStore:
    """One feature's folder of uploads under UPLOAD_FOLDER, named at random (no extension:
    never executable, never guessable)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def directory(self) -> Path:
        path = Path(current_app.config["UPLOAD_FOLDER"]) / self.folder
        path.mkdir(parents=True, exist_ok=True)
        return path

    def store(self, content: bytes) -> str:
        name = secrets.token_hex(16)
        (self.directory() / name).write_bytes(content)
        return name

    def path(self, name: str) -> Path:
        if not name.isalnum():  # names are always hex; anything else is tampering
            raise UploadError("Unknown file")
        return self.directory() / name

    def remove(self, name: str) -> None:
        if name:
            self.path(name).unlink(missing_ok=True)


def private_download(path: Path, content_type: str, download_name: str) -> Response:
    """A stored file as an attachment that no shared cache keeps and no browser re-types.
    Files are small (the upload limit): read whole, so no file handle stays open."""
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=content_type,
        as_attachment=True,
        download_name=download_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
