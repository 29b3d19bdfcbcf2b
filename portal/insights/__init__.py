"""Convenor insights: figures across every feature, precomputed in snapshots by background jobs.

It reads every feature's data; no feature imports it (see pyproject's import-linter contracts).
"""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob


def feature() -> Feature:
    from . import jobs, models, views

    jobs.install_listeners()
    return Feature(
        name="insights",
        blueprints=(views.bp,),
        models=(models,),
        panels=Panels(home=("insights/_home_headline.html",)),
        # Runs after every other feature's demo data, so `make run` shows real figures.
        demo_seeder=jobs.refresh_for_demo,
        demo_after=("assessment", "exchange", "pledges", "scorecard", "activities"),
        periodic_jobs=(
            PeriodicJob(
                "insights-nightly",
                jobs.refresh_insights_nightly,
                timedelta(days=1),
                "Recompute every convenor insight figure (a full run, whatever changed).",
            ),
            PeriodicJob(
                "insights-pending",
                jobs.refresh_if_dirty,
                timedelta(minutes=1),
                "Refresh the insights if data changed and no run picked it up yet.",
            ),
        ),
    )
