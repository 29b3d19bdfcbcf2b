"""The insights aggregation at city scale on PostgreSQL (issue 12).

    python bench/aggregate.py            # the city (bench/city.py at scale 1.0) and the demo
    python bench/aggregate.py --short    # scale 0.05 and one timed run, as CI runs it
    python bench/aggregate.py --url postgresql://…   # an empty database instead of a private one

Prints, for the demo data and for the city:
- the full refresh (`portal.insights.aggregate.refresh()` and its commit) against its bare SQL
  (every statement of `aggregate_statements()` executed directly on the driver, times summed):
  the ratio is what the refresh adds around its SQL (target at most 1.5x);
- one edit (an activity, a progress report, a listing) until its figures are current: the
  commit, the coalesced `refresh_insights` job run in-process, which recounts only the
  organisations the edit concerns (the incremental run): target under 1 s.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.city import createdb, flask, print_counts, private_postgres, seed_city

RATIO_TARGET = 1.5
EDIT_TARGET = 1.0  # seconds


def _app(url: str) -> Any:
    from portal import create_app

    return create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=url,
        REDIS_URL=None,
        RATELIMIT_ENABLED=False,
        INSIGHTS_AUTO_REFRESH=True,
        INSIGHTS_IN_PROCESS_INTERVAL=0,  # every edit runs its job at once, as a worker would
    )


def _median(func: Callable[[], float], runs: int) -> float:
    return statistics.median(func() for _ in range(runs))


def _full_refresh() -> float:
    from portal.extensions import db
    from portal.insights.aggregate import refresh

    started = time.perf_counter()
    refresh()
    db.session.commit()
    return time.perf_counter() - started


def _bare_statements(per_statement: dict[str, float], *, jit: bool = True) -> float:
    """Each statement compiled beforehand, then run on the driver connection; the time of the
    executions only, summed. A snapshot row for them to fill; all rolled back. `jit=False` turns
    PostgreSQL's JIT compiler off for the run (a diagnostic: see the output)."""
    from portal.extensions import db
    from portal.insights.aggregate import aggregate_statements
    from portal.insights.models import InsightSnapshot

    connection = db.engine.connect()
    transaction = connection.begin()
    try:
        if not jit:
            connection.exec_driver_sql("SET LOCAL jit = off")
        snapshot_id = connection.execute(
            InsightSnapshot.__table__.insert().returning(InsightSnapshot.__table__.c.id),
            {"status": "building"},
        ).scalar_one()
        compiled = [
            (
                name,
                statement.compile(
                    dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
                ),
            )
            for name, statement in aggregate_statements(snapshot_id)
        ]
        total = 0.0
        for name, sql in compiled:
            started = time.perf_counter()
            connection.exec_driver_sql(str(sql), sql.params)
            took = time.perf_counter() - started
            per_statement[name] = min(per_statement.get(name, took), took)
            total += took
        return total
    finally:
        transaction.rollback()
        connection.close()


def _edit(kind: str) -> float:
    """Change one row and commit: the listener records the change and queues the refresh,
    which runs in-process before the commit returns (no Redis), incrementally; stop when the
    current snapshot's figures are newer."""
    from sqlalchemy import select

    from portal.activities.models import Activity
    from portal.exchange.models import LISTING_OPEN, LISTING_PAUSED, Listing
    from portal.extensions import db
    from portal.insights.models import InsightSnapshot
    from portal.pledges.models import ProgressUpdate

    def computed() -> Any:
        return db.session.scalar(
            select(InsightSnapshot.computed_at).where(InsightSnapshot.status == "current")
        )

    before = computed()
    started = time.perf_counter()
    if kind == "activity":
        activity = db.session.scalars(select(Activity).order_by(Activity.id.desc()).limit(1))
        activity.one().people_reached += 1
    elif kind == "progress report":
        report = db.session.scalars(
            select(ProgressUpdate).order_by(ProgressUpdate.id.desc()).limit(1)
        ).one()
        report.value += 1
    else:
        listing = db.session.scalars(
            select(Listing)
            .where(Listing.status.in_((LISTING_OPEN, LISTING_PAUSED)))
            .order_by(Listing.id.desc())
            .limit(1)
        ).one()
        listing.status = LISTING_PAUSED if listing.status == LISTING_OPEN else LISTING_OPEN
    db.session.commit()
    took = time.perf_counter() - started
    db.session.expire_all()
    if computed() == before:
        raise RuntimeError(f"the {kind} edit did not bring the figures up to date")
    return took


EDITS = ("activity", "progress report", "listing")


def measure(name: str, url: str, runs: int) -> dict[str, float]:
    from portal.extensions import db
    from portal.insights.read import figures

    app = _app(url)
    with app.app_context():
        if runs > 1:
            _full_refresh()  # warm the caches and the plans
        per_statement: dict[str, float] = {}
        full = _median(_full_refresh, runs)
        bare = _median(lambda: _bare_statements(per_statement), runs)
        no_jit = _bare_statements({}, jit=False)
        edits = {kind: _median(lambda kind=kind: _edit(kind), max(runs, 3)) for kind in EDITS}
        rows = len(figures("activities.count", by=("ward_code",)))
        db.session.remove()
        db.engine.dispose()
    ratio = full / bare if bare else float("inf")
    print(f"\n{name}")
    for statement, took in sorted(per_statement.items(), key=lambda item: -item[1])[:8]:
        print(f"  {statement:<44} {took * 1000:8.1f} ms")
    print(f"  bare SQL ({len(per_statement)} statements){'':<18} {bare * 1000:8.1f} ms")
    print(f"  bare SQL with PostgreSQL's JIT off{'':<10} {no_jit * 1000:8.1f} ms")
    print(f"  full refresh{'':<32} {full * 1000:8.1f} ms")
    verdict = "ok" if ratio <= RATIO_TARGET else "OVER TARGET"
    print(
        f"  ratio refresh / bare SQL{'':<20} {ratio:8.2f}x  (target <= {RATIO_TARGET}x: {verdict})"
    )
    for kind, took in edits.items():
        verdict = "ok" if took < EDIT_TARGET else "OVER TARGET"
        label = f"one {kind} edit until current"
        print(
            f"  {label:<44} {took * 1000:8.1f} ms"
            f"  (target < {EDIT_TARGET * 1000:.0f} ms: {verdict})"
        )
    print(f"  activities.count by ward: {rows} rows")
    return {"full": full, "bare": bare, "ratio": ratio, "no_jit": no_jit, **edits}


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the city at scale 0.05")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--url", help="an empty PostgreSQL database for the city")
    parser.add_argument("--runs", type=int, help="timed runs, median taken (default 3; 1 short)")
    args = parser.parse_args(argv)
    scale = 0.05 if args.short else args.scale
    runs = args.runs or (1 if args.short else 3)
    with contextlib.ExitStack() as stack:
        demo_url = stack.enter_context(private_postgres("demo"))
        for command in (["db", "upgrade"], ["load-reference"], ["demo-data"]):
            flask(demo_url, *command)
        demo = measure("demo data (flask demo-data)", demo_url, runs)

        city_url = args.url or createdb(demo_url, "city")
        flask(city_url, "db", "upgrade")
        flask(city_url, "load-reference")
        started = time.perf_counter()
        counted = seed_city(city_url, scale, migrate=False)
        print()
        print_counts(counted, time.perf_counter() - started, scale)
        city = measure(f"city at scale {scale:g}", city_url, runs)
    growth = city["full"] / demo["full"] if demo["full"] else float("inf")
    print(
        f"\ncity / demo: {counted['activities']:,} activities, full refresh "
        f"{city['full'] * 1000:.0f} ms against {demo['full'] * 1000:.0f} ms ({growth:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
