"""Evidence uploads: the shared checks of `core.uploads`, and the folder evidence lives in."""

from __future__ import annotations

from ..core.uploads import DOCX, JPEG, PDF, PNG, XLSX, FileStore, UploadError, check_upload, sniff

__all__ = [
    "DOCX",
    "JPEG",
    "PDF",
    "PNG",
    "XLSX",
    "UploadError",
    "check_upload",
    "remove",
    "sniff",
    "store",
    "stored_path",
]

EVIDENCE = FileStore("assessment")
store = EVIDENCE.store
stored_path = EVIDENCE.path
remove = EVIDENCE.remove
