"""Background jobs: checking and applying a CSV import of indicator values."""

from __future__ import annotations

import json
import logging

from ..accounts.models import User
from ..core.audit import record
from ..extensions import db
from . import services
from .csv_import import check_csv
from .models import IMPORT_FAILED, IMPORT_RUNNING, IMPORT_SUCCEEDED, ScorecardImport

log = logging.getLogger(__name__)


def run_import(import_id: int) -> None:
    """Check every row of an uploaded CSV, then apply all of it or none of it. Safe to re-run."""
    entry = db.session.get(ScorecardImport, import_id)
    if entry is None or entry.is_finished:
        return
    user = db.session.get(User, entry.created_by_id)
    services.mark_import(entry, status=IMPORT_RUNNING, processed_rows=0)
    db.session.commit()

    def progress(done: int, total: int) -> None:
        # Only the import row has changed so far, so committing here publishes just the progress.
        entry.processed_rows = done
        entry.total_rows = total
        db.session.commit()

    result = check_csv(
        entry.content,
        services.indicator_rules(),
        services.ward_names(),
        may_record=lambda ambition_id: user is not None and user.convenes(ambition_id),
        progress=progress,
    )
    if not result.ok:
        services.mark_import(
            entry,
            status=IMPORT_FAILED,
            total_rows=result.total_rows,
            processed_rows=result.total_rows,
            errors_json=json.dumps([error.as_dict() for error in result.errors]),
        )
        db.session.commit()
        log.info("Scorecard import %s refused: %d problems", import_id, len(result.errors))
        return
    applied = services.apply_rows(result.rows, entry.created_by_id)
    services.mark_import(
        entry,
        status=IMPORT_SUCCEEDED,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        applied_rows=applied,
    )
    record(
        "scorecard.values_imported",
        entry,
        summary=f"{applied} scorecard values imported from {entry.filename}"[:300],
        user_id=entry.created_by_id,
    )
    db.session.commit()
    log.info("Scorecard import %s applied %d rows", import_id, applied)


def resume_stalled_imports() -> int:
    """Re-enqueue imports whose job was lost (Redis down at upload, a worker killed mid-run)."""
    from datetime import timedelta

    from ..jobs import requeue_stalled
    from .models import IMPORT_PENDING

    # A running import updates its row every 1,000 rows, well inside this window.
    return requeue_stalled(
        ScorecardImport,
        run_import,
        statuses=[IMPORT_PENDING, IMPORT_RUNNING],
        older_than=timedelta(minutes=15),
    )
