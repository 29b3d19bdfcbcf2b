"""The resource exchange: offers and requests, suggested matches, agreement and delivery.

models.py (listings, matches, messages, suggestions, reports), matching.py (pure scoring with
reasons), neighbours.py + data/ward_neighbours.csv (approximate ward adjacency), search.py
(PostgreSQL full-text search or SQLite LIKE), rules.py (working-day deadlines, expiry),
services by domain, each adding and flushing for the caller to commit: listings.py, matches.py,
messages.py, progress.py (committed against needed), suggestions.py (re-ranking, by job),
moderation.py, overview.py (an organisation's own exchange), impact.py, impact_summary.py
(the impact page's stored figures, kept by a flush listener), notifications.py,
open_data.py (delivered funding, streamed) with giving360.py (pure: 360Giving grants, CSV rows)
and data/360giving/ (the standard's schemas, trimmed, for the tests);
jobs.py (the scheduled expiry, lapsing and nightly re-rank), views.py.
"""

from __future__ import annotations

from datetime import timedelta

from ..core.features import Feature, Panels, PeriodicJob


def feature() -> Feature:
    from . import demo, impact_summary, jobs, models, views

    impact_summary.install_listeners()
    return Feature(
        name="exchange",
        blueprints=(views.bp,),
        models=(models,),
        periodic_jobs=(
            PeriodicJob(
                "exchange-lapse-interests",
                jobs.lapse_overdue_interests,
                timedelta(hours=1),
                "Lapse exchange interests unanswered after five working days; tell who asked.",
            ),
            PeriodicJob(
                "exchange-expire-listings",
                jobs.expire_stale_listings,
                timedelta(hours=24),
                "Close exchange offers and requests past their expiry date; tell their owners.",
            ),
            PeriodicJob(
                "exchange-recompute-suggestions",
                jobs.recompute_all_suggestions,
                timedelta(hours=24),
                "Re-rank every exchange suggestion (a safety net for lost recompute jobs).",
            ),
        ),
        demo_seeder=demo.seed_demo,
        panels=Panels(
            org_home=("exchange/_org_home_panel.html",),
            org_profile=("exchange/_org_public_panel.html",),
            admin_index=("exchange/_admin_links.html",),
        ),
    )
