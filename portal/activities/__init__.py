"""Activities tagged to Ambitions and goals, with partners, wards and CSV import."""

from __future__ import annotations

from ..core.features import Feature, Panels


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="activities",
        blueprints=(views.bp,),
        models=(models,),
        demo_seeder=demo.seed_demo,
        demo_after=("pledges", "exchange"),  # demo activities link to demo pledges and exchanges
        panels=Panels(
            org_home=("activities/_org_home_panel.html",),
            org_profile=("activities/_org_public_panel.html",),
        ),
    )
