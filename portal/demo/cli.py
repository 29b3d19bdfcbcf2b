"""`flask demo-data`: a believable, fictional network, safe to run again."""

from __future__ import annotations

import click
from flask import Flask

from ..extensions import db
from .people import DEMO_PASSWORD, demo_logins, seed_people_and_organisations

# Each feature adds its own seeder here, run in this order after organisations and people exist.
FEATURE_SEEDERS: list[str] = [
    "portal.assessment.demo.seed_demo",
    "portal.exchange.demo.seed_demo",
    "portal.pledges.demo.seed_demo",
    "portal.scorecard.demo.seed_demo",
    "portal.activities.demo.seed_demo",
]


def run_demo_seeders() -> None:
    from importlib import import_module

    from ..core.reference import seed_reference_data
    from ..orgs.services import seed_networks

    seed_reference_data()
    seed_networks()
    seed_people_and_organisations()
    db.session.commit()
    for path in FEATURE_SEEDERS:
        module_name, _, attr = path.rpartition(".")
        getattr(import_module(module_name), attr)()
        db.session.commit()


def register(app: Flask) -> None:
    @app.cli.command("demo-data")
    def demo_data() -> None:
        """Create or top up the demonstration data and print the demo logins."""
        run_demo_seeders()
        click.echo("Demo data is loaded. Every demo login uses the password: " + DEMO_PASSWORD)
        click.echo(f"{'Role':28} {'Organisation':42} Email")
        for role, organisation, email in demo_logins():
            click.echo(f"{role:28} {organisation:42} {email}")
