"""The Ambitions scorecard: indicators, values by period and breakdown, ward deprivation."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob, ReferenceLoader


def _load_reference() -> str:
    from .services import load_reference

    indicators, wards = load_reference()
    return f"Scorecard: {indicators} indicators; illustrative deprivation added for {wards} wards."


def feature() -> Feature:
    from . import demo, jobs, models, views

    return Feature(
        name="scorecard",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "resume-stalled-scorecard-imports",
                jobs.resume_stalled_imports,
                timedelta(minutes=15),
                "Re-enqueue scorecard CSV imports whose job was lost or stopped part way.",
            ),
        ),
        reference_loaders=(ReferenceLoader("scorecard-reference", _load_reference),),
        demo_seeder=demo.seed_demo,
        panels=Panels(admin_index=("scorecard/_admin_links.html",)),
    )
