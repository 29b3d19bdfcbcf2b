"""Demo data: a published State of the City report for the demo year, with narratives."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..core.models import utcnow
from ..core.reference import all_ambitions
from ..extensions import db
from . import services
from .models import NARRATIVE_APPROVED, ReportNarrative

DEMO_YEAR = 2026
NARRATIVES = {
    "HEALTHY": "Partners took health checks and healthy-eating sessions into the wards where "
    "people live shortest lives.\n\nThe gap between the most and least deprived wards is still "
    "wide, and next year's work goes where it is widest.",
    "GROWING": "Anchors bought more from Leeds firms and opened apprenticeships to people far "
    "from work.\n\nPledges on local spend are on track; those on good jobs need more reports.",
    "THRIVING": "Community anchors ran food shares, youth clubs and warm spaces, backed by "
    "volunteers from the large employers.\n\nThe exchange matched rooms and vans to the groups "
    "that asked.",
    "RESILIENT": "Partners cut energy use and planted trees in wards with the least green "
    "space.\n\nNet zero pledges are behind time; convenors will follow up in the spring.",
}


def seed_demo() -> None:
    """Approved narratives per Ambition, then the report generated and published by the demo
    platform admin (its PDF renders on the first download, to keep seeding fast)."""
    if services.latest(DEMO_YEAR) is not None:
        return
    admin = db.session.scalar(select(User).where(User.is_platform_admin.is_(True)).limit(1))
    if admin is None:
        return
    for ambition in all_ambitions():
        db.session.add(
            ReportNarrative(
                year=DEMO_YEAR,
                ambition_code=ambition.code,
                body=NARRATIVES.get(ambition.code, ""),
                status=NARRATIVE_APPROVED,
                author_id=admin.id,
                reviewer_id=admin.id,
                approved_at=utcnow(),
            )
        )
    report = services.request_generation(DEMO_YEAR, admin)
    content, snapshot = services.gather(DEMO_YEAR)
    services.freeze(report, content, snapshot)
    services.publish(report, admin)
    db.session.commit()
