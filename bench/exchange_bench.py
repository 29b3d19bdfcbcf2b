"""Exchange figures as ratios against a bare endpoint in the same process.

- Browse, a keyword search and a listing page vs /healthz, with the demo listings and then with
  about ten times as many (browse paginates, so its cost should barely grow).
- Matching: scoring one pair in pure Python (calls per second), and re-ranking one request
  against every open offer (the background job's unit of work) as the listings grow.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_app, rate, report


def _multiply_listings(times: int) -> int:
    """Copy every demo listing `times - 1` more times; returns the new total."""
    from sqlalchemy import func, select

    from portal.exchange.models import Listing
    from portal.extensions import db

    originals = list(db.session.scalars(select(Listing)).unique())
    for copy_number in range(times - 1):
        for listing in originals:
            db.session.add(
                Listing(
                    organisation_id=listing.organisation_id,
                    side=listing.side,
                    resource_type=listing.resource_type,
                    title=f"{listing.title} ({copy_number + 2})",
                    description=listing.description,
                    quantity=listing.quantity,
                    unit=listing.unit,
                    citywide=listing.citywide,
                    needed_by=listing.needed_by,
                    urgency=listing.urgency,
                    expires_on=listing.expires_on,
                    wards=list(listing.wards),
                    ambitions=list(listing.ambitions),
                )
            )
    db.session.commit()
    return db.session.scalar(select(func.count(Listing.id)))


def main() -> None:
    from sqlalchemy import select

    from portal.demo.people import seed_people_and_organisations
    from portal.exchange import suggestions
    from portal.exchange.demo import seed_demo
    from portal.exchange.matching import ListingFacts, score_match
    from portal.exchange.models import SIDE_REQUEST, Listing
    from portal.exchange.neighbours import ward_neighbours
    from portal.extensions import db

    app = bench_app()
    with app.app_context():
        seed_people_and_organisations()
        db.session.commit()
        seed_demo()
        db.session.commit()
        listing_id = db.session.scalar(select(Listing.id).order_by(Listing.id).limit(1))
    client = app.test_client()
    paths = ("/exchange", "/exchange?q=space&side=offer", f"/exchange/listings/{listing_id}")

    baseline = rate(lambda: client.get("/healthz"))
    report("/healthz (baseline)", baseline, baseline)
    for scale in (1, 10):
        if scale > 1:
            with app.app_context():
                total = _multiply_listings(scale)
            print(f"-- with {total} listings")
        for path in paths:
            report(f"GET {path}", rate(lambda path=path: client.get(path)), baseline)

    neighbours = ward_neighbours()
    need = ListingFacts(1, 1, "space", frozenset({"Gipton & Harehills"}))
    venue = ListingFacts(2, 2, "space", frozenset({"Roundhay"}))
    pure = rate(lambda: score_match(need, venue, neighbours), seconds=1.0)
    print(f"{'score_match (pure, one pair)':48} {pure:10.0f} calls/s")
    with app.app_context():
        request = db.session.scalar(select(Listing).where(Listing.side == SIDE_REQUEST).limit(1))
        offers = suggestions._open_listings("offer")

        def rerank() -> None:
            suggestions.recompute_suggestions_for(request, offers)
            db.session.rollback()

        report(
            f"re-rank one request against {len(offers)} offers", rate(rerank), baseline, "runs/s"
        )


if __name__ == "__main__":
    main()
