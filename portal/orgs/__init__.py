"""Organisations, their members and invitations, and the three anchor networks."""

from __future__ import annotations

from ..core.features import Feature, ReferenceLoader


def _load_networks() -> str:
    from .services import seed_networks

    seed_networks()
    return "Networks are loaded: 3 networks."


def feature() -> Feature:
    from . import models, views

    return Feature(
        name="orgs",
        blueprints=(views.bp,),
        models=(models,),
        reference_loaders=(ReferenceLoader("networks", _load_networks),),
    )
