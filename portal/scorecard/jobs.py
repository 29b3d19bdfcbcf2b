"""Background jobs: checking and applying a CSV import of indicator values."""

from __future__ import annotations

from ..accounts.models import User
from ..core import csv_import as imports
from ..core.audit import record
from ..extensions import db
from . import services
from .csv_import import SPEC, Lookups, ValueRow
from .models import ScorecardImport


def run_import(import_id: int) -> None:
    """Check every row of an uploaded CSV, then apply all of it or none of it. Safe to re-run."""
    imports.run_import(SCORECARD_IMPORTS, import_id)


def resume_stalled_imports() -> int:
    """Re-enqueue scorecard imports whose job was lost (the shared sweep, for this feature)."""
    return imports.resume_stalled_imports([SCORECARD_IMPORTS])


def _lookups(entry: ScorecardImport) -> Lookups:
    user = db.session.get(User, entry.created_by_id)
    return Lookups(
        indicators=services.indicator_rules(),
        ward_names=services.ward_names(),
        may_record=lambda ambition_id: user is not None and user.convenes(ambition_id),
    )


def _apply(entry: ScorecardImport, rows: list[ValueRow]) -> int:
    applied = services.apply_rows(rows, entry.created_by_id)
    record(
        "scorecard.values_imported",
        entry,
        summary=f"{applied} scorecard values imported from {entry.filename}"[:300],
        user_id=entry.created_by_id,
    )
    return applied


SCORECARD_IMPORTS = imports.register(
    imports.ImportKind(
        name="scorecard",
        model=ScorecardImport,
        spec=SPEC,
        context=_lookups,
        apply=_apply,
        job=run_import,
    )
)
