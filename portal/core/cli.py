"""`flask load-reference`: every feature's shipped reference data, in feature order."""

from __future__ import annotations

import click
from flask import current_app

from ..extensions import db
from .features import app_features


def load_all_reference_data() -> list[str]:
    """Run each feature's reference loaders in order, committing after each; their reports."""
    lines = []
    for feature in app_features(current_app._get_current_object()):  # type: ignore[attr-defined]
        for loader in feature.reference_loaders:
            lines.append(loader.load())
            db.session.commit()
    return lines


@click.command("load-reference")
def load_reference_command() -> None:
    """Insert the shipped reference data that is missing, for every feature (safe to run again)."""
    for line in load_all_reference_data():
        click.echo(line)


@click.command("seed-reference", hidden=True)
def seed_reference_command() -> None:
    """The old name of `load-reference`, kept for existing deployment scripts."""
    for line in load_all_reference_data():
        click.echo(line)
