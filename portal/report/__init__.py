"""The State of the City annual report: a year's scorecard, network figures, pledges, exchange
and self-assessment, frozen from the insights snapshot, published as a page and a PDF.

It reads insights and the features' models and services; nothing imports it.
"""

from __future__ import annotations

from ..core.features import Feature, Panels


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="report",
        blueprints=(views.bp,),
        models=(models,),
        demo_seeder=demo.seed_demo,
        demo_after=("insights", "voices"),  # built from the demo's snapshot and its voices
        panels=Panels(admin_index=("report/_admin_links.html",), home=("report/_home_link.html",)),
    )
