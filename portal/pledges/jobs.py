"""Periodic job: email organisations whose pledge progress report is overdue."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from flask import current_app, url_for

from ..accounts.models import ROLE_ADMIN
from ..core.models import utcnow
from ..extensions import db
from ..mail.services import send_email
from ..orgs import services as org_services
from . import services
from .services import Progress
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
        send_email(
            user.email,
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
