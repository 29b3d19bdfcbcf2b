"""Background job: check a CSV import of activities row by row, then apply it all or not at all."""

from __future__ import annotations

from ..core import csv_import as imports
from . import csv_import, services
from .models import ActivityImport


def run_activity_import(import_id: int) -> None:
    """Check every row of import `import_id`; insert all of them only if none has an error."""
    imports.run_import(ACTIVITY_IMPORTS, import_id)


def resume_stalled_activity_imports() -> int:
    """Re-enqueue activity imports whose job was lost (the shared sweep, for this feature)."""
    return imports.resume_stalled_imports([ACTIVITY_IMPORTS])


ACTIVITY_IMPORTS = imports.register(
    imports.ImportKind(
        name="activities",
        model=ActivityImport,
        spec=csv_import.SPEC,
        context=lambda entry: services.import_lookups(entry.organisation_id),
        apply=services.apply_import,
        job=run_activity_import,
    )
)
