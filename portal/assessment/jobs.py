"""Periodic job: tell organisations' admins when an action-plan item becomes overdue."""

from __future__ import annotations

import logging
from collections import defaultdict

from flask import current_app, url_for
from sqlalchemy import select

from ..accounts.models import ROLE_ADMIN
from ..core.models import utcnow
from ..extensions import db
from ..notifications.kinds import ASSESSMENT_REMINDERS
from ..notifications.services import notify
from ..orgs import services as org_services
from .models import ACTION_DONE, Action, Assessment

log = logging.getLogger(__name__)


def send_overdue_action_reminders() -> int:
    """Email each organisation's admins once per newly overdue action; returns emails sent.

    `Action.reminded_at` records the reminder, so running the job again sends nothing new.
    """
    now = utcnow()
    overdue = db.session.scalars(
        select(Action)
        .join(Assessment, Assessment.id == Action.assessment_id)
        .where(
            Action.due_date < now.date(),
            Action.status != ACTION_DONE,
            Action.reminded_at.is_(None),
        )
        .order_by(Assessment.organisation_id, Action.due_date)
    )
    by_organisation: dict[int, list[Action]] = defaultdict(list)
    for action in overdue:
        by_organisation[action.assessment.organisation_id].append(action)
    sent = 0
    # A request context on the public address lets the email link back to the portal.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        for organisation_id, actions in by_organisation.items():
            sent += _remind(organisation_id, actions)
            for action in actions:
                action.reminded_at = now
    db.session.commit()
    log.info("Sent %d overdue action reminder emails", sent)
    return sent


def _remind(organisation_id: int, actions: list[Action]) -> int:
    # Admins (everyone, if it has no active admin); never a deactivated account.
    recipients = org_services.recipients(organisation_id, ROLE_ADMIN, or_everyone=True)
    assessment = actions[0].assessment
    plan_url = url_for(
        "assessment.actions", org_id=organisation_id, year=assessment.year, _external=True
    )
    count = len(actions)
    for user in recipients:
        notify(
            user,
            ASSESSMENT_REMINDERS,
            f"{count} action{'s' if count != 1 else ''} in your anchor action plan "
            f"{'are' if count != 1 else 'is'} overdue",
            "assessment/emails/overdue_actions.txt",
            user=user,
            organisation=assessment.organisation,
            actions=actions,
            plan_url=plan_url,
        )
    return len(recipients)
