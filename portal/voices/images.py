"""Story images: PNG or JPEG by their first bytes (as evidence uploads are), kept small."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from ..assessment.uploads import JPEG, PNG, UploadError, sniff

MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_EXTENSIONS = {"png": PNG, "jpg": JPEG, "jpeg": JPEG}

__all__ = ["MAX_IMAGE_BYTES", "UploadError", "check_image", "path_of", "remove", "store"]


def check_image(filename: str, content: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """The content type if the name and bytes agree on PNG or JPEG and it is small enough."""
    if not content:
        raise UploadError("The selected image is empty")
    if len(content) > max_bytes:
        raise UploadError(f"The selected image must be smaller than {max_bytes // 1048576} MB")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    expected = IMAGE_EXTENSIONS.get(extension)
    if expected is None:
        raise UploadError("The selected image must be a PNG or JPEG")
    if sniff(content) != expected:
        raise UploadError(f"The selected image is not a real {extension.upper()} file")
    return expected


def _directory() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "stories"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(content: bytes) -> str:
    """Write the bytes under a random name (no extension, never guessable)."""
    name = secrets.token_hex(16)
    (_directory() / name).write_bytes(content)
    return name


def path_of(name: str) -> Path:
    if not name.isalnum():  # names are always hex; anything else is tampering
        raise UploadError("Unknown file")
    return _directory() / name


def remove(name: str) -> None:
    if name:
        path_of(name).unlink(missing_ok=True)
