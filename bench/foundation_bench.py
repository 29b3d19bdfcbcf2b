"""Foundation figures as ratios against a bare endpoint in the same process.

- Page throughput of the directory, home and an organisation page vs /healthz (one SELECT 1).
- The in-process job path vs calling the same function directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report


def main() -> None:
    from sqlalchemy import select

    from portal.demo.people import seed_people_and_organisations
    from portal.extensions import db
    from portal.jobs import enqueue
    from portal.orgs.models import Organisation

    app = bench_app()
    with app.app_context():
        seed_people_and_organisations()
        db.session.commit()
        org_id = db.session.scalar(select(Organisation.id).limit(1))
    client = app.test_client()
    baseline = rate(lambda: client.get("/healthz"))
    print("Foundation pages (Flask test client, SQLite, 60 demo organisations)")
    report("/healthz (baseline: one SELECT 1)", baseline, baseline)
    for path in (
        "/",
        "/organisations",
        "/organisations?kind=vcse&page=2",
        f"/organisations/{org_id}",
    ):
        report(path, rate(lambda path=path: client.get(path)), baseline)

    print("\nJob backbone (in-process, no Redis)")
    counter = {"n": 0}

    def job() -> None:
        counter["n"] += 1

    with app.app_context():
        direct = rate(job, seconds=1.0)
        queued = rate(lambda: enqueue(job), seconds=1.0)
    report("direct call (baseline)", direct, direct, "calls/s")
    report("enqueue() in-process (fresh app context)", queued, direct, "calls/s")


if __name__ == "__main__":
    main()
