"""`flask demo-data`: fictional people and organisations, then each feature's demo seeder."""

from __future__ import annotations

from ..core.features import Feature


def feature() -> Feature:
    from . import cli

    return Feature(name="demo", cli=(cli.demo_data_command,))
