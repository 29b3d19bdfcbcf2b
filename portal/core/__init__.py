"""What two or more features share: reference data (Ambitions, goals, wards), the audit log,
pagination, forms, security headers and error pages. Imports no feature."""

from __future__ import annotations

from .features import Feature, ReferenceLoader


def _load_reference() -> str:
    from .reference import seed_reference_data

    seed_reference_data()
    return "Reference data is loaded: 4 Ambitions, 12 goals, 33 wards."


def feature() -> Feature:
    from . import cli, models, views

    return Feature(
        name="core",
        blueprints=(views.bp,),
        models=(models,),
        cli=(cli.load_reference_command, cli.seed_reference_command),
        reference_loaders=(ReferenceLoader("ambitions-goals-wards", _load_reference),),
    )
