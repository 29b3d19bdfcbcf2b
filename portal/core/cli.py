"""`flask seed-reference`: load the Ambitions, goals and wards shipped with the package."""

from __future__ import annotations

import click
from flask import Flask

from ..extensions import db
from .reference import seed_reference_data


def register(app: Flask) -> None:
    @app.cli.command("seed-reference")
    def seed_reference() -> None:
        """Insert the shipped reference data that is missing (safe to run again)."""
        from ..orgs.services import seed_networks

        seed_reference_data()
        seed_networks()
        db.session.commit()
        click.echo("Reference data is loaded: 4 Ambitions, 12 goals, 33 wards, 3 networks.")
