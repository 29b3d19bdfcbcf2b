"""Edits to records that feed totals keep old and new values in the audit log (issue 10)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from sqlalchemy import select

from portal.activities import services as activities
from portal.activities.rules import ActivityValues
from portal.core.models import AuditLog
from portal.exchange import listings
from portal.extensions import db
from portal.orgs import services as orgs
from tests.activities.factories import ActivityFactory
from tests.exchange.factories import offer
from tests.factories import member_of


def _entry(action: str) -> AuditLog:
    entry = db.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc())
    ).first()
    assert entry is not None, action
    return entry


def test_an_activity_edit_keeps_the_old_figures():
    activity = ActivityFactory(people_reached=100, spend=Decimal("1500.00"))
    db.session.commit()
    values = ActivityValues(
        title=activity.title,
        description=activity.description,
        start_date=activity.start_date,
        end_date=activity.end_date,
        goal_ids=[goal.id for goal in activity.goals],
        citywide=True,
        people_reached=1000,
        volunteer_hours=activity.volunteer_hours,
        spend=Decimal("1500.00"),
    )
    activities.update_activity(activity, values)
    db.session.commit()
    changes = _entry("activity.updated").changes
    assert changes == {"people_reached": ["100", "1000"]}  # unchanged fields are not listed
    activities.update_activity(activity, replace(values, title="Renamed"))
    db.session.commit()
    assert _entry("activity.updated").changes == {"title": [values.title, "Renamed"]}


def test_a_listing_edit_keeps_what_it_offered_before():
    listing = offer(title="Two freezers", quantity=Decimal(2), unit="freezers", citywide=True)
    user = member_of(listing.organisation)
    db.session.commit()
    data = {
        "resource_type": listing.resource_type,
        "title": "Grant towards kitchen equipment",
        "description": listing.description,
        "quantity": Decimal(1),
        "unit": "grant",
        "citywide": True,
        "wards": [],
        "available_from": listing.available_from,
        "available_until": listing.available_until,
    }
    listings.update_listing(listing, data, user)
    db.session.commit()
    changes = _entry("exchange.listing_updated").changes
    assert changes["title"] == ["Two freezers", "Grant towards kitchen equipment"]
    assert changes["quantity"] == ["2", "1"] and changes["unit"] == ["freezers", "grant"]


def test_a_profile_edit_keeps_the_old_name_and_numbers():
    user = member_of()
    organisation = user.memberships[0].organisation
    old_name = organisation.name
    db.session.commit()
    orgs.update_organisation(
        organisation,
        {
            "name": "Renamed Trust",
            "kind": organisation.kind,
            "charity_number": "1234567",
            "company_number": organisation.company_number,
            "website": organisation.website,
            "description": organisation.description,
            "size_band": organisation.size_band,
            "citywide": organisation.citywide,
            "wards": [ward.id for ward in organisation.wards],
        },
    )
    db.session.commit()
    changes = _entry("organisation.updated").changes
    assert changes["name"] == [old_name, "Renamed Trust"]
    assert changes["charity_number"][1] == "1234567"
    assert set(changes) == {"name", "charity_number"}
