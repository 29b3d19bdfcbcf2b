"""Activities tagged to Ambitions and goals, with partners, wards and CSV import."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob


def feature() -> Feature:
    from . import demo, jobs, models, views

    return Feature(
        name="activities",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "resume-stalled-activity-imports",
                jobs.resume_stalled_activity_imports,
                timedelta(minutes=15),
                "Re-enqueue activity CSV imports whose job was lost or stopped part way.",
            ),
        ),
        demo_seeder=demo.seed_demo,
        demo_after=("pledges", "exchange"),  # demo activities link to demo pledges and exchanges
        panels=Panels(
            org_home=("activities/_org_home_panel.html",),
            org_profile=("activities/_org_public_panel.html",),
        ),
    )
