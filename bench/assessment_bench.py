"""Self-assessment figures as ratios against /healthz in the same process.

- Results with the network benchmark, the dimension form, the action plan and the XLSX export,
  for a demo anchor in a network where every anchor has two submitted years.
- The benchmark computation alone vs scoring one organisation, to show it stays cheap.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report


def main() -> None:
    from sqlalchemy import select

    from portal.assessment import services
    from portal.assessment.demo import seed_demo
    from portal.demo.people import seed_people_and_organisations
    from portal.extensions import db
    from portal.orgs.models import Organisation

    app = bench_app()
    with app.app_context():
        seed_people_and_organisations()
        db.session.commit()
        seed_demo()
        db.session.commit()
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == "Leeds City Council (demo)")
        )
        org_id = organisation.id
        user_id = organisation.memberships[0].user_id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    baseline = rate(lambda: client.get("/healthz"))
    print("Self-assessment pages (Flask test client, SQLite, demo data: 2 years for most anchors)")
    report("/healthz (baseline: one SELECT 1)", baseline, baseline)
    base = f"/orgs/{org_id}/assessment"
    for path in (
        base,
        f"{base}/2026/results",
        f"{base}/2026/employment",
        f"{base}/2026/actions",
        f"{base}/2026/print",
        f"{base}/2026/export.xlsx",
        "/guides/scope-3-emissions",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        report(path, rate(lambda path=path: client.get(path)), baseline)

    print("\nScoring (in-process)")
    with app.app_context():
        assessment = services.find_assessment(org_id, 2026)
        network = services.benchmark_network(assessment)
        one = rate(lambda: services._scores(assessment), seconds=1.0)
        spread = rate(
            lambda: services.network_spreads(network, assessment.framework, 2026), seconds=1.0
        )
    report("score one organisation (baseline)", one, one, "calls/s")
    report("network median and quartiles (one query)", spread, one, "calls/s")


if __name__ == "__main__":
    main()
