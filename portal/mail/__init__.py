"""Outbound email: a row first, then a delivery job (SMTP, or files in the outbox)."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, PeriodicJob


def feature() -> Feature:
    from . import jobs, models

    return Feature(
        name="mail",
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "resend-unsent-emails",
                jobs.resend_unsent_emails,
                timedelta(seconds=20),
                "Re-enqueue emails whose delivery job was lost (Redis or a worker died); runs in "
                "the scheduler itself, so it also catches up after Redis restarted empty.",
                in_scheduler=True,
            ),
        ),
    )
