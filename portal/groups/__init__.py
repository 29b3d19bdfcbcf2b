"""Working groups: organisations working together on the Ambitions, with leads, join
requests, updates, shared resources and actions; members-only groups are hidden from others."""

from __future__ import annotations

from ..core.features import Feature, Panels


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="groups",
        blueprints=(views.bp,),
        models=(models,),
        demo_seeder=demo.seed_demo,
        panels=Panels(org_home=("groups/_org_home_panel.html",)),
    )
