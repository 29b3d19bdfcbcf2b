"""Shared helpers for the bench scripts: a throwaway app with demo data, and timing."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask


def bench_app(**overrides: Any) -> Flask:
    """A testing app on a fresh SQLite file, schema created and reference data loaded."""
    from portal import create_app
    from portal.core.reference import seed_reference_data
    from portal.extensions import db
    from portal.orgs.services import seed_networks

    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False}
    settings.update(overrides)
    app = create_app("testing", **settings)
    with app.app_context():
        db.create_all()
        seed_reference_data()
        seed_networks()
        db.session.commit()
    return app


def rate(func: Callable[[], Any], *, seconds: float = 2.0) -> float:
    """Calls per second of `func`, measured for about `seconds` after one warm-up call."""
    func()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        func()
        count += 1
    return count / (time.perf_counter() - start)


def report(name: str, value: float, baseline: float, unit: str = "req/s") -> None:
    print(f"{name:48} {value:10.1f} {unit:8} {value / baseline:6.2f}x of baseline")
