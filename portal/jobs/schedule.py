"""Every periodic job, in one list, so an operator can see the whole schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func_path: str
    every: timedelta
    description: str

    @property
    def func(self) -> Callable[..., Any]:
        module_name, _, attr = self.func_path.rpartition(".")
        return getattr(import_module(module_name), attr)


def periodic_job_definitions() -> list[PeriodicJob]:
    return [
        PeriodicJob(
            "resend-unsent-emails",
            "portal.mail.jobs.resend_unsent_emails",
            timedelta(minutes=10),
            "Re-enqueue emails whose delivery job was lost (Redis or a worker died).",
        ),
        PeriodicJob(
            "resume-stalled-scorecard-imports",
            "portal.scorecard.jobs.resume_stalled_imports",
            timedelta(minutes=15),
            "Re-enqueue scorecard CSV imports whose job was lost or stopped part way.",
        ),
        PeriodicJob(
            "resume-stalled-activity-imports",
            "portal.activities.jobs.resume_stalled_activity_imports",
            timedelta(minutes=15),
            "Re-enqueue activity CSV imports whose job was lost or stopped part way.",
        ),
        PeriodicJob(
            "exchange-lapse-interests",
            "portal.exchange.jobs.lapse_overdue_interests",
            timedelta(hours=1),
            "Lapse exchange interests unanswered after five working days; tell who asked.",
        ),
        PeriodicJob(
            "exchange-expire-listings",
            "portal.exchange.jobs.expire_stale_listings",
            timedelta(hours=24),
            "Close exchange offers and requests past their expiry date; tell their owners.",
        ),
        PeriodicJob(
            "exchange-recompute-suggestions",
            "portal.exchange.jobs.recompute_all_suggestions",
            timedelta(hours=24),
            "Re-rank every exchange suggestion (a safety net for lost recompute jobs).",
        ),
        PeriodicJob(
            "pledge-overdue-reminders",
            "portal.pledges.jobs.send_overdue_update_reminders",
            timedelta(hours=24),
            "Email organisations about overdue pledge progress reports (once, then every 28 days).",
        ),
        PeriodicJob(
            "assessment-overdue-action-reminders",
            "portal.assessment.jobs.send_overdue_action_reminders",
            timedelta(hours=24),
            "Email organisation admins once when a self-assessment action passes its due date.",
        ),
    ]
