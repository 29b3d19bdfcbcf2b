"""Self-assessment against the Anchor Progression Framework.

The framework is versioned data (YAML in `frameworks/`, loaded by `flask assessment
load-frameworks` or `flask demo-data`); an organisation answers one cycle a year, dimension by
dimension, then sees its results against its network and manages an action plan.
"""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob, ReferenceLoader


def _load_frameworks() -> str:
    import click

    from .frameworks import FrameworkFileError, load_frameworks

    try:
        added = load_frameworks()
    except FrameworkFileError as error:
        raise click.ClickException(f"Framework file error: {error}") from error
    lines = [f"Loaded {f.variant} version {f.version}: {f.title}" for f in added]
    return "\n".join(lines) or "Every framework version is already loaded."


def feature() -> Feature:
    from . import demo, jobs, models, views

    return Feature(
        name="assessment",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "assessment-overdue-action-reminders",
                jobs.send_overdue_action_reminders,
                timedelta(hours=24),
                "Email organisation admins once when a self-assessment action passes its due date.",
            ),
        ),
        reference_loaders=(ReferenceLoader("assessment-frameworks", _load_frameworks),),
        demo_seeder=demo.seed_demo,
        panels=Panels(
            org_home=("assessment/_org_home_panel.html",),
            admin_index=("assessment/_admin_links.html",),
        ),
    )
