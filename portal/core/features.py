"""What a feature package declares about itself: the one object the application factory reads.

Each feature's `__init__.py` has a `feature()` function returning a `Feature`; `portal.features`
lists them in order. Nothing here imports a feature, so `core` stays below every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from types import ModuleType
from typing import Any

import click
from flask import Blueprint, Flask


@dataclass(frozen=True)
class PeriodicJob:
    """A job the scheduler runs every `every`; `func` takes no arguments and owns its commit.

    `in_scheduler` jobs run in the scheduler process itself instead of through the job queue:
    for work that must go on while Redis is down (pushing the jobs kept meanwhile)."""

    name: str
    func: Callable[[], Any]
    every: timedelta
    description: str
    in_scheduler: bool = False

    @property
    def func_path(self) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__}"


@dataclass(frozen=True)
class ReferenceLoader:
    """Loads shipped reference data idempotently; returns a line to print. The caller commits."""

    name: str
    load: Callable[[], str]


@dataclass(frozen=True)
class Panels:
    """Templates a feature adds to shared pages, each included with the page's context."""

    org_home: tuple[str, ...] = ()  # orgs/home.html: `organisation`, `membership`
    org_profile: tuple[str, ...] = ()  # orgs/profile.html: `organisation`
    admin_index: tuple[str, ...] = ()  # admin/index.html: list items
    home: tuple[str, ...] = ()  # core/home.html: sections under the introduction


PANEL_PAGES = ("org_home", "org_profile", "admin_index", "home")


@dataclass(frozen=True)
class Feature:
    """Everything one feature package adds to the portal."""

    name: str
    blueprints: tuple[Blueprint, ...] = ()
    models: tuple[ModuleType, ...] = ()
    cli: tuple[click.Command, ...] = ()
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    reference_loaders: tuple[ReferenceLoader, ...] = ()
    demo_seeder: Callable[[], None] | None = None
    # Features whose demo data must exist before this one's seeder runs (it links to them).
    demo_after: tuple[str, ...] = ()
    panels: Panels = field(default_factory=Panels)


def demo_seeding_order(features: list[Feature]) -> list[Feature]:
    """Features with a demo seeder, in list order except where `demo_after` needs one earlier."""
    pending = [f for f in features if f.demo_seeder is not None]
    done = {f.name for f in features if f.demo_seeder is None}
    ordered: list[Feature] = []
    while pending:
        ready = next((f for f in pending if all(n in done for n in f.demo_after)), None)
        if ready is None:
            names = ", ".join(f.name for f in pending)
            raise RuntimeError(f"Demo seeders wait on each other or on a missing feature: {names}")
        ordered.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return ordered


FEATURES_KEY = "portal.features"


def app_features(app: Flask) -> tuple[Feature, ...]:
    """The features `app` was built with, in order (read from the app: nothing imports the list)."""
    features: tuple[Feature, ...] = app.extensions[FEATURES_KEY]
    return features
