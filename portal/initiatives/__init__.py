"""Joint initiatives: an activity with accepted partners gets a page where the partners post
progress and each records its own contributions (hours, money, people reached), which roll
up into its figures and the insights without counting anything twice (see `rollup`)."""

from __future__ import annotations

from ..core.features import Feature, Panels


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="initiatives",
        blueprints=(views.bp,),
        models=(models,),
        demo_seeder=demo.seed_demo,
        demo_after=("activities",),  # initiatives are demo activities with partners
        panels=Panels(org_home=("initiatives/_org_home_panel.html",)),
    )
