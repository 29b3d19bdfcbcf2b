"""Background job: check a CSV import row by row, then apply it completely or not at all."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..jobs import requeue_stalled
from . import csv_import, services
from .models import (
    IMPORT_CHECKING,
    IMPORT_FAILED,
    IMPORT_FINISHED,
    IMPORT_QUEUED,
    ActivityImport,
)

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500  # rows between progress commits, so the progress page moves
# A 10,000-row import takes seconds; one unfinished after this long lost its job.
STALLED_AFTER = timedelta(minutes=15)


def run_activity_import(import_id: int) -> None:
    """Check every row of import `import_id`; insert all of them only if none has an error."""
    activity_import = db.session.get(ActivityImport, import_id)
    if activity_import is None or activity_import.is_finished:
        return  # already done (a retry or a duplicate enqueue): nothing to do
    activity_import.status = IMPORT_CHECKING
    activity_import.processed_rows = 0
    db.session.commit()

    lookups = services.import_lookups(activity_import.organisation_id)
    checked: list = []
    errors: list[tuple[int, str, str]] = []
    try:
        for count, (number, cells) in enumerate(
            csv_import.iter_rows(activity_import.content), start=1
        ):
            result = csv_import.check_row(number, cells, lookups)
            if result.errors:
                errors += [(number, column, message) for column, message in result.errors]
            else:
                checked.append(result.values)
            if count % PROGRESS_EVERY == 0:
                activity_import.processed_rows = count
                db.session.commit()
    except csv_import.CsvFileError as error:
        errors.append((0, "", str(error)))

    if not errors and not checked:
        errors.append((0, "", "The file has no rows of activities under the column names"))
    if errors:
        services.reject_import(activity_import, errors)
        db.session.commit()
        log.info("Activity import %s rejected with %d errors", import_id, len(errors))
        return
    # Lock the row and look again: a duplicate run that finished meanwhile must not insert twice.
    # (Only the status column: the row's joined organisation cannot be locked by an outer join.)
    status = db.session.scalar(
        select(ActivityImport.status).where(ActivityImport.id == import_id).with_for_update()
    )
    if status in IMPORT_FINISHED:
        db.session.rollback()
        return
    try:
        created = services.apply_import(activity_import, checked)
        db.session.commit()
    except Exception:
        db.session.rollback()
        activity_import = db.session.get(ActivityImport, import_id)
        activity_import.status = IMPORT_FAILED
        db.session.commit()
        raise
    log.info("Activity import %s applied: %d activities", import_id, created)


def resume_stalled_activity_imports() -> int:
    """Re-enqueue imports whose job was lost (Redis down at upload, a worker killed mid-run).

    The file is kept in the database until it is applied, so nothing the user uploaded is lost.
    """
    return requeue_stalled(
        ActivityImport,
        run_activity_import,
        statuses=[IMPORT_QUEUED, IMPORT_CHECKING],
        older_than=STALLED_AFTER,
    )
