"""Pledge jobs: email organisations whose progress report is overdue; prepare and clear away
large CSV exports of the wall."""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from ..accounts.models import ROLE_ADMIN
from ..core.export import csv_lines
from ..core.models import utcnow
from ..extensions import db
from ..notifications.kinds import PLEDGE_REMINDERS
from ..notifications.services import notify
from ..orgs import services as org_services
from . import export as pledge_export
from . import services
from .models import EXPORT_READY, PledgeExport
from .services import EXPORT_KEPT_FOR, Progress
from .status import reminder_due

log = logging.getLogger(__name__)


def send_overdue_update_reminders() -> int:
    """Remind each organisation once per overdue report (then every 28 days); returns emails sent.

    `Pledge.last_reminded_at` records each reminder, so running the job again sends nothing new.
    """
    now = utcnow()
    today = now.date()
    by_organisation: dict[int, list[Progress]] = defaultdict(list)
    for progress in services.overdue_pledges(today):
        pledge = progress.pledge
        last = pledge.last_reminded_at.date() if pledge.last_reminded_at else None
        if reminder_due(due_on=progress.due_on, last_reminded_on=last, today=today):
            by_organisation[pledge.organisation_id].append(progress)
    sent = 0
    # A request context built on the public address lets the email link back to the portal.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        for organisation_id, items in by_organisation.items():
            sent += _remind_organisation(organisation_id, items, now)
    db.session.commit()
    log.info("Sent %d pledge reminder emails", sent)
    return sent


def _remind_organisation(organisation_id: int, items: list[Progress], now: datetime) -> int:
    """Email the organisation's admins (everyone, if it has none) about its overdue pledges."""
    # Admins (everyone, if it has no active admin); never a deactivated account.
    recipients = org_services.recipients(organisation_id, ROLE_ADMIN, or_everyone=True)
    dashboard_url = url_for("pledges.dashboard", org_id=organisation_id, _external=True)
    for user in recipients:
        notify(
            user,
            PLEDGE_REMINDERS,
            f"Progress report due on {len(items)} pledge{'s' if len(items) != 1 else ''}",
            "pledges/emails/overdue_reminder.txt",
            user=user,
            organisation=items[0].pledge.organisation,
            items=items,
            dashboard_url=dashboard_url,
        )
    for item in items:
        item.pledge.last_reminded_at = now
    return len(recipients)


def export_path(export: PledgeExport) -> Path:
    """Where a prepared export's file lives (`PLEDGE_EXPORT_DIR`, else the instance folder)."""
    folder = (
        current_app.config.get("PLEDGE_EXPORT_DIR") or Path(current_app.instance_path) / "exports"
    )
    return Path(folder) / export.filename


def prepare_pledge_export(export_id: int) -> None:
    """Write a large wall export to the instance folder from a server-side cursor.

    Idempotent: a ready export with its file is left alone; a retry rewrites the file whole
    (written beside it, then renamed, so a download never sees half a file)."""
    from .views import revision_sentence

    export = db.session.get(PledgeExport, export_id)
    if export is None:
        return
    path = export_path(export)
    if export.is_ready and path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    statement = services.public_pledges_query(**json.loads(export.filters))
    rows = 0
    with partial.open("w", encoding="utf-8", newline="") as file:
        for line in csv_lines(
            pledge_export.HEADER,
            pledge_export.export_rows(statement, revision_text=revision_sentence),
        ):
            file.write(line)
            rows += 1
    os.replace(partial, path)
    export.rows = max(rows - 1, 0)  # less the header
    export.status = EXPORT_READY
    export.finished_at = utcnow()
    db.session.commit()
    log.info("Pledge export %d ready: %d rows", export_id, export.rows)


def remove_old_pledge_exports() -> int:
    """Delete prepared exports (rows and files) over a day old; returns how many went."""
    cutoff = utcnow() - EXPORT_KEPT_FOR
    old = list(db.session.scalars(select(PledgeExport).where(PledgeExport.created_at < cutoff)))
    for export in old:
        export_path(export).unlink(missing_ok=True)
        export_path(export).with_suffix(".part").unlink(missing_ok=True)
        db.session.delete(export)
    db.session.commit()
    return len(old)
