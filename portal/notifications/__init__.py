"""Notification choices: per kind of email, straight away, a weekly digest, or none; every
such email carries a signed link to change that choice without signing in.

Other features call `notifications.services.notify` instead of `send_email` for the kinds in
`notifications.kinds` (see the services module for how)."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, PeriodicJob


def feature() -> Feature:
    from . import demo, jobs, models, views

    return Feature(
        name="notifications",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "weekly-digests",
                jobs.send_weekly_digests,
                timedelta(days=7),
                "Email everyone who chose a weekly digest one email of what was kept for it "
                "(each item once).",
            ),
        ),
        demo_seeder=demo.seed_demo,
    )
