"""Story images: PNG or JPEG by their first bytes (as every upload is checked), kept small."""

from __future__ import annotations

from ..core.uploads import IMAGES, IMAGES_DESCRIPTION, FileStore, UploadError, check_upload

MAX_IMAGE_BYTES = 5 * 1024 * 1024

__all__ = ["MAX_IMAGE_BYTES", "UploadError", "check_image", "path_of", "remove", "store"]

STORIES = FileStore("stories")


def check_image(filename: str, content: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """The content type if the name and bytes agree on PNG or JPEG and it is small enough."""
    return check_upload(
        filename,
        content,
        max_bytes,
        accepted=IMAGES,
        description=IMAGES_DESCRIPTION,
        noun="image",
    )


store = STORIES.store
path_of = STORIES.path
remove = STORIES.remove
