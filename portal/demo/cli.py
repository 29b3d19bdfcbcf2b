"""`flask demo-data`: a believable, fictional network, safe to run again."""

from __future__ import annotations

import click
from flask import current_app

from ..core.cli import load_all_reference_data
from ..core.features import app_features, demo_seeding_order
from ..extensions import db
from .people import DEMO_PASSWORD, demo_logins, seed_people_and_organisations


def run_demo_seeders() -> None:
    """Reference data, people and organisations, then each feature's demo seeder. Edits do not
    refresh the insights one commit at a time meanwhile: their seeder computes them once, last.
    """
    auto_refresh = current_app.config.get("INSIGHTS_AUTO_REFRESH")
    current_app.config["INSIGHTS_AUTO_REFRESH"] = False
    try:
        _seed_everything()
    finally:
        current_app.config["INSIGHTS_AUTO_REFRESH"] = auto_refresh


def _seed_everything() -> None:
    load_all_reference_data()
    seed_people_and_organisations()
    db.session.commit()
    features = list(app_features(current_app._get_current_object()))  # type: ignore[attr-defined]
    for feature in demo_seeding_order(features):
        assert feature.demo_seeder is not None
        feature.demo_seeder()
        db.session.commit()


@click.command("demo-data")
def demo_data_command() -> None:
    """Create or top up the demonstration data and print the demo logins."""
    run_demo_seeders()
    click.echo("Demo data is loaded. Every demo login uses the password: " + DEMO_PASSWORD)
    click.echo(f"{'Role':28} {'Organisation':42} Email")
    for role, organisation, email in demo_logins():
        click.echo(f"{role:28} {organisation:42} {email}")
