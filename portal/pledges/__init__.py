"""Social Value Charter pledges: targets, progress reports, status and £ social value."""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob, ReferenceLoader


def _load_catalogue() -> str:
    from .catalogue import load_catalogue

    added = load_catalogue()
    return (
        f"Catalogue loaded: {added['principles']} principles, {added['measures']} measures and "
        f"{added['proxies']} proxy values added."
    )


def feature() -> Feature:
    from . import demo, jobs, models, standing, views

    standing.install_listeners()
    return Feature(
        name="pledges",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "pledge-overdue-reminders",
                jobs.send_overdue_update_reminders,
                timedelta(hours=24),
                "Email organisations about overdue pledge progress reports (once, then every 28 "
                "days).",
            ),
            PeriodicJob(
                "pledge-export-cleanup",
                jobs.remove_old_pledge_exports,
                timedelta(hours=1),
                "Delete prepared CSV exports of the pledge wall that are over a day old.",
            ),
        ),
        reference_loaders=(ReferenceLoader("pledge-catalogue", _load_catalogue),),
        demo_seeder=demo.seed_demo,
        demo_after=("exchange",),  # demo pledges count delivered demo exchanges
        panels=Panels(
            org_home=("pledges/_org_home_panel.html",),
            org_profile=("pledges/_org_public_panel.html",),
            admin_index=("pledges/_admin_links.html",),
        ),
    )
