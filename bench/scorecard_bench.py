"""Scorecard figures as ratios against a bare endpoint in the same process.

- Page throughput for the scorecard by Ambition, an indicator page (chart, ward breakdown and a
  decile breakdown) and the ward deprivation page vs /healthz, with the demo values loaded.
- CSV import: checking and applying 10,000 values through the job, as rows per second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report

HEADER = "indicator,period,breakdown,category,value,source,notes\n"


def main() -> None:
    from sqlalchemy import func, select

    from portal.accounts.models import User
    from portal.core.csv_import import run_registered_import
    from portal.core.models import Ward
    from portal.extensions import db
    from portal.scorecard import services
    from portal.scorecard.demo import seed_demo
    from portal.scorecard.models import IndicatorValue

    app = bench_app()
    with app.app_context():
        seed_demo()
        db.session.commit()
        count = db.session.scalar(select(func.count(IndicatorValue.id)))
        wards = list(db.session.scalars(select(Ward.name)))
    client = app.test_client()
    baseline = rate(lambda: client.get("/healthz"))
    print(f"Scorecard pages (Flask test client, SQLite, {count} demo values)")
    report("/healthz (baseline: one SELECT 1)", baseline, baseline)
    for path in (
        "/scorecard/",
        "/scorecard/indicators/life-expectancy-female",
        "/scorecard/indicators/life-expectancy-female?breakdown=deprivation_decile",
        "/scorecard/indicators/employment-rate?breakdown=sex",
        "/scorecard/wards",
    ):
        report(path, rate(lambda path=path: client.get(path)), baseline)

    print("\nCSV import of 10,000 values (job run directly, SQLite)")
    lines = [
        f'{code},{year},ward,"{ward}",{40 + year % 9},Bench,\n'
        for code in ("fuel-poverty", "tree-canopy-cover", "epc-c-residential", "green-space-access")
        for year in range(2000, 2101)
        for ward in wards
    ][:10_000]
    with app.app_context():
        user = User(
            email="bench@example.org", name="Bench", password_hash="x", is_platform_admin=True
        )
        db.session.add(user)
        db.session.flush()
        entry = services.start_import(user, "bench.csv", HEADER + "".join(lines), len(lines))
        db.session.info.pop("portal_pending_jobs", None)  # run it below, timed
        db.session.commit()
        started = time.perf_counter()
        run_registered_import("scorecard", entry.id)
        seconds = time.perf_counter() - started
        db.session.expire_all()
        status = db.session.get(type(entry), entry.id).status
    print(
        f"{'check and apply 10,000 rows (' + status + ')':48} {seconds:10.2f} s"
        f"        {10_000 / seconds:8.0f} rows/s"
    )


if __name__ == "__main__":
    main()
