"""Evidence uploads: what a file really is (by its first bytes, not its name) and where it lives."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from flask import current_app

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "xlsx": XLSX}
ACCEPTED_DESCRIPTION = "PDF, Word (DOCX), Excel (XLSX), PNG or JPEG"


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


def check_upload(filename: str, content: bytes, max_bytes: int) -> str:
    """The content type if the name and bytes agree and it is small enough; else UploadError."""
    if not content:
        raise UploadError("The selected file is empty")
    if len(content) > max_bytes:
        raise UploadError(f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise UploadError(f"The selected file must be a {ACCEPTED_DESCRIPTION}")
    actual = sniff(content)
    if actual != expected:
        raise UploadError(
            f"The selected file is not a real {extension.upper()} file. "
            f"Upload a {ACCEPTED_DESCRIPTION}"
        )
    return actual


def upload_directory() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "assessment"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(content: bytes) -> str:
    """Write the bytes under a random name (no extension, never executable or guessable)."""
    name = secrets.token_hex(16)
    (upload_directory() / name).write_bytes(content)
    return name


def stored_path(stored_name: str) -> Path:
    if not stored_name.isalnum():  # names are always hex; anything else is tampering
        raise UploadError("Unknown file")
    return upload_directory() / stored_name


def remove(stored_name: str) -> None:
    stored_path(stored_name).unlink(missing_ok=True)
