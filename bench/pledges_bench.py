"""Pledge figures as ratios against a bare endpoint in the same process.

- Pledge wall, a filtered wall, a pledge page and the CSV export vs /healthz, with the demo pledges
  and then with ten times as many (the wall's totals cover every matching pledge, so this shows
  how that cost grows).
- The overdue-reminder job over the whole network vs summarising one pledge.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report


def _multiply_pledges(times: int) -> int:
    """Copy every demo pledge and its reports `times - 1` more times; returns the new total."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.pledges.models import Pledge, ProgressUpdate

    originals = list(db.session.scalars(select(Pledge)))
    for _ in range(times - 1):
        for pledge in originals:
            copy = Pledge(
                organisation_id=pledge.organisation_id,
                measure_id=pledge.measure_id,
                title=pledge.title,
                description=pledge.description,
                baseline=pledge.baseline,
                target=pledge.target,
                start_date=pledge.start_date,
                end_date=pledge.end_date,
                citywide=pledge.citywide,
                is_public=pledge.is_public,
                principles=list(pledge.principles),
                wards=list(pledge.wards),
                ambitions=list(pledge.ambitions),
                goals=list(pledge.goals),
            )
            copy.updates = [
                ProgressUpdate(
                    period_start=u.period_start,
                    period_end=u.period_end,
                    value=u.value,
                    created_at=u.created_at,
                )
                for u in pledge.updates
            ]
            db.session.add(copy)
    db.session.commit()
    return db.session.scalar(select(func.count(Pledge.id)))


def main() -> None:
    from sqlalchemy import select

    from portal.core.models import Ambition
    from portal.demo.people import seed_people_and_organisations
    from portal.extensions import db
    from portal.pledges import services
    from portal.pledges.demo import seed_demo
    from portal.pledges.jobs import send_overdue_update_reminders
    from portal.pledges.models import Pledge

    app = bench_app()
    with app.app_context():
        seed_people_and_organisations()
        db.session.commit()
        seed_demo()
        db.session.commit()
        pledge_id = db.session.scalar(select(Pledge.id).where(Pledge.is_public.is_(True)).limit(1))
        ambition_id = db.session.scalar(select(Ambition.id).limit(1))
        total = db.session.scalar(select(db.func.count(Pledge.id)))
    client = app.test_client()
    paths = (
        "/pledges",
        f"/pledges?ambition={ambition_id}&kind=business_anchor",
        f"/pledges/{pledge_id}",
        "/pledges/export.csv",
    )
    baseline = rate(lambda: client.get("/healthz"))
    for label in ("demo", "x10"):
        if label == "x10":
            with app.app_context():
                total = _multiply_pledges(10)
        print(f"\nPledge pages (Flask test client, SQLite, {total} pledges)")
        report("/healthz (baseline: one SELECT 1)", baseline, baseline)
        for path in paths:
            report(path, rate(lambda path=path: client.get(path)), baseline)

    print("\nOverdue reminders (in-process, outbox to the log)")
    with app.app_context():
        pledge = db.session.get(Pledge, pledge_id)
        single = rate(lambda: services.progress_for([pledge]), seconds=1.0)
        # After the first run every reminder is recorded, so later runs measure the scan alone.
        send_overdue_update_reminders()
        sweep = rate(send_overdue_update_reminders, seconds=2.0)
    report("summarise one pledge (baseline)", single, single, "calls/s")
    report(f"reminder sweep over {total} pledges", sweep, single, "calls/s")


if __name__ == "__main__":
    main()
