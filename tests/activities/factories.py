"""Factories for activities: an activity led by an organisation, tagged to goals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from sqlalchemy import select

from portal.activities.models import PARTNER_ACCEPTED, PARTNER_PENDING, Activity, PartnerTag
from portal.core.models import Goal, Ward
from portal.extensions import db
from tests.factories import BaseFactory, OrganisationFactory


def goal(code: str) -> Goal:
    return db.session.scalar(select(Goal).where(Goal.code == code))


def ward(name: str) -> Ward:
    return db.session.scalar(select(Ward).where(Ward.name == name))


class ActivityFactory(BaseFactory):
    class Meta:
        model = Activity

    lead_organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    description = "Something useful for the city."
    citywide = True
    start_date = date(2026, 4, 1)
    end_date = date(2027, 3, 31)
    people_reached = 100
    volunteer_hours = Decimal("12.5")
    spend = Decimal("1500.00")
    outcomes = ""
    is_public = True
    goals = factory.LazyFunction(lambda: [goal("HEALTHY-1")])

    @factory.post_generation
    def partners(activity: Activity, create: bool, extracted, **kwargs) -> None:
        """`partners=[...]`: partners who accepted their tag (as before tags needed accepting)."""
        _tag(activity, extracted, PARTNER_ACCEPTED)

    @factory.post_generation
    def pending_partners(activity: Activity, create: bool, extracted, **kwargs) -> None:
        """`pending_partners=[...]`: organisations named but not yet accepted."""
        _tag(activity, extracted, PARTNER_PENDING)


def _tag(activity: Activity, organisations, status: str) -> None:
    for organisation in organisations or []:
        activity.partner_tags.append(PartnerTag(organisation_id=organisation.id, status=status))
    if organisations:
        db.session.commit()
        db.session.expire(activity, ["partners"])


def form_data(**overrides) -> dict:
    """A valid answer to the activity form, with `overrides`."""
    data = {
        "title": "Reading buddies",
        "description": "Volunteers read with pupils every week.",
        "goals": [str(goal("THRIVING-1").id)],
        "wards": [str(ward("Armley").id)],
        "start_date": ["1", "9", "2026"],
        "end_date": ["31", "7", "2027"],
        "people_reached": "120",
        "volunteer_hours": "340.5",
        "spend": "£2,500",
        "outcomes": "Reading ages rose.",
        "visibility": "public",
    }
    data.update(overrides)
    return data
