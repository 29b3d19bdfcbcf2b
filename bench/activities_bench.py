"""Activities figures as ratios against a bare endpoint in the same process.

- List page throughput (unfiltered, filtered, a later page) and an activity page vs /healthz,
  with the 400 demo activities.
- CSV import: checking and inserting 10,000 rows through the job, as rows per second.
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report

ROW = {
    "title": "Repair café",
    "description": "Fixing things together.",
    "partners": "",
    "ambitions": "RESILIENT",
    "goals": "RESILIENT-1; HEALTHY-2",
    "wards": "Armley; Bramley & Stanningley",
    "start_date": "2026-04-01",
    "end_date": "2026-04-30",
    "people_reached": "45",
    "volunteer_hours": "60.5",
    "spend": "£300",
    "outcomes": "120 items mended.",
    "visibility": "public",
}


def main() -> None:
    from sqlalchemy import func, select

    from portal.activities.csv_import import COLUMN_NAMES
    from portal.activities.demo import seed_demo
    from portal.activities.models import Activity, ActivityImport
    from portal.core.csv_import import run_registered_import
    from portal.core.models import Ambition
    from portal.demo.people import seed_people_and_organisations
    from portal.extensions import db
    from portal.orgs.models import Organisation

    app = bench_app()
    with app.app_context():
        seed_people_and_organisations()
        db.session.commit()
        seed_demo()
        db.session.commit()
        activity_id = db.session.scalar(
            select(Activity.id).where(Activity.is_public.is_(True)).limit(1)
        )
        ambition_id = db.session.scalar(select(Ambition.id).limit(1))
        count = db.session.scalar(select(func.count(Activity.id)))
    client = app.test_client()
    baseline = rate(lambda: client.get("/healthz"))
    print(f"Activities pages (Flask test client, SQLite, {count} demo activities)")
    report("/healthz (baseline: one SELECT 1)", baseline, baseline)
    for path in (
        "/activities",
        f"/activities?ambition={ambition_id}&period=2025",
        "/activities?page=10",
        f"/activities/{activity_id}",
    ):
        report(path, rate(lambda path=path: client.get(path)), baseline)

    print("\nCSV import of 10,000 rows (job run directly, SQLite)")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows([{**ROW, "title": f"Repair café {i}"} for i in range(10_000)])
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id).limit(1))
        # Created directly rather than through start_import, so the job runs here, timed.
        activity_import = ActivityImport(
            organisation_id=organisation_id,
            filename="bench.csv",
            content=out.getvalue(),
            total_rows=10_000,
        )
        db.session.add(activity_import)
        db.session.commit()
        started = time.perf_counter()
        run_registered_import("activities", activity_import.id)
        seconds = time.perf_counter() - started
    label = "check and insert 10,000 rows"
    print(f"{label:48} {seconds:10.2f} s        {10_000 / seconds:8.0f} rows/s")


if __name__ == "__main__":
    main()
