"""People's voices: impact stories organisations publish (with each featured person's consent,
which can be withdrawn) and what community listening exercises heard."""

from __future__ import annotations

from ..core.features import Feature, Panels


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="voices",
        blueprints=(views.bp,),
        models=(models,),
        demo_seeder=demo.seed_demo,
        demo_after=("events", "pledges", "activities"),  # demo stories link to them
        panels=Panels(
            home=("voices/_home_link.html",),
            org_home=("voices/_org_home_panel.html",),
            org_profile=("voices/_org_profile_panel.html",),
            admin_index=("voices/_admin_link.html",),
        ),
    )
