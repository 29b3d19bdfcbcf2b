"""The Ambitions scorecard: indicators, values by period and breakdown, ward deprivation."""

from __future__ import annotations

from ..core.features import Feature, Panels, ReferenceLoader


def _load_reference() -> str:
    from .services import load_reference

    indicators, wards = load_reference()
    return f"Scorecard: {indicators} indicators; illustrative deprivation added for {wards} wards."


def feature() -> Feature:
    from . import demo, models, views

    return Feature(
        name="scorecard",
        blueprints=(views.bp,),
        models=(models,),
        reference_loaders=(ReferenceLoader("scorecard-reference", _load_reference),),
        demo_seeder=demo.seed_demo,
        panels=Panels(admin_index=("scorecard/_admin_links.html",)),
    )
