"""Demo data: three initiatives among the demo activities with several partners, each with
progress updates and contributions from its partners (one of them corrected)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ..accounts.models import Membership
from ..activities.models import PARTNER_ACCEPTED, Activity, PartnerTag
from ..core.models import utcnow
from ..extensions import db
from . import services
from .models import Contribution, InitiativeUpdate

DEMO_INITIATIVES = 3
UPDATES = (
    "Kick-off meeting held: partners agreed who leads each strand and the first dates.",
    "First sessions ran this month; turnout was higher than planned, so we added a second slot.",
    "Volunteers from three partners trained together; feedback forms are in.",
    "Halfway review: on track for people reached, behind on volunteer hours over the holidays.",
)


def _member_of(organisation_id: int) -> int | None:
    return db.session.scalar(
        select(Membership.user_id).where(Membership.organisation_id == organisation_id).limit(1)
    )


def seed_demo() -> None:
    if db.session.scalar(select(Contribution.id).limit(1)) is not None:
        return
    with_partners = (
        select(PartnerTag.activity_id)
        .where(PartnerTag.status == PARTNER_ACCEPTED)
        .group_by(PartnerTag.activity_id)
        .having(func.count() >= 2)
    )
    activities = list(
        db.session.scalars(
            select(Activity)
            .where(Activity.id.in_(with_partners), Activity.is_public.is_(True))
            .order_by(Activity.id)
            .limit(DEMO_INITIATIVES)
        )
    )
    now = utcnow()
    for number, activity in enumerate(activities):
        partners = [activity.lead_organisation, *activity.partners]
        for position, body in enumerate(UPDATES[: 2 + number]):
            organisation = partners[position % len(partners)]
            db.session.add(
                InitiativeUpdate(
                    activity_id=activity.id,
                    organisation_id=organisation.id,
                    author_id=_member_of(organisation.id),
                    body=body,
                    created_at=now - timedelta(days=40 - 10 * position),
                )
            )
        for position, organisation in enumerate(partners):
            values = services.ContributionValues(
                period_start=activity.start_date,
                period_end=activity.end_date,
                volunteer_hours=Decimal(12 + 8 * position),
                money=Decimal("250.00") * (position + 1) + Decimal("0.50"),
                people_reached=15 * (position + 1),
                note="Staff time and room hire." if position == 0 else "Volunteers and materials.",
            )
            contribution = services.record_contribution(activity, organisation, values, None)
            if number == 0 and position == 1:
                fixed = services.ContributionValues(**{**values.__dict__, "people_reached": 25})
                services.correct_contribution(
                    contribution, fixed, "Counted a family twice in the sign-in sheet.", None
                )
    db.session.commit()
