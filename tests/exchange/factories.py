"""Factories for exchange listings and matches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from sqlalchemy import func, select

from portal.core.models import Ambition, Ward, utcnow
from portal.exchange.models import (
    LISTING_OPEN,
    MATCH_INTERESTED,
    SIDE_OFFER,
    SIDE_REQUEST,
    ExchangeMatch,
    Listing,
    ListingReport,
)
from portal.extensions import db
from tests.factories import BaseFactory, OrganisationFactory


def ward(name: str) -> Ward:
    return db.session.scalar(select(Ward).where(Ward.name == name))


def ambition(code: str) -> Ambition:
    return db.session.scalar(select(Ambition).where(Ambition.code == code))


class ListingFactory(BaseFactory):
    class Meta:
        model = Listing

    organisation = factory.SubFactory(OrganisationFactory)
    side = SIDE_OFFER
    resource_type = "volunteer_time"
    title = factory.Sequence(lambda n: f"Listing number {n}")
    description = "Something useful for the community."
    unit = ""
    citywide = False
    status = LISTING_OPEN
    expires_on = factory.LazyFunction(lambda: (utcnow() + timedelta(days=90)).date())

    @factory.post_generation
    def ward_names(obj, create, extracted, **kwargs):
        if extracted:
            obj.wards = [ward(name) for name in extracted]
            db.session.commit()

    @factory.post_generation
    def ambition_codes(obj, create, extracted, **kwargs):
        if extracted:
            obj.ambitions = [ambition(code) for code in extracted]
            db.session.commit()


def offer(**fields) -> Listing:
    return ListingFactory(side=SIDE_OFFER, **fields)


def request(**fields) -> Listing:
    fields.setdefault("urgency", "medium")
    return ListingFactory(side=SIDE_REQUEST, **fields)


class MatchFactory(BaseFactory):
    class Meta:
        model = ExchangeMatch

    offer = factory.SubFactory(ListingFactory, side=SIDE_OFFER)
    request = factory.SubFactory(ListingFactory, side=SIDE_REQUEST)
    initiated_by_organisation_id = factory.LazyAttribute(lambda m: m.offer.organisation_id)
    status = MATCH_INTERESTED
    respond_by = factory.LazyFunction(lambda: utcnow() + timedelta(days=7))
    committed_quantity = None
    delivered_unit = ""


def listing_data(**overrides) -> dict:
    """A listing form's fields as posted (a request for a meeting room), with `overrides`."""
    data = {
        "resource_type": "space",
        "title": "Meeting room for 20 people",
        "description": "A bright room with a kettle, free on weekday evenings.",
        "quantity": "",
        "unit": "",
        "wards": [str(ward("Gipton & Harehills").id)],
        "urgency": "high",
    }
    data.update(overrides)
    return data


def count_listings() -> int:
    return db.session.scalar(select(func.count(Listing.id)))


def quantity(value: str) -> Decimal:
    return Decimal(value)


class ListingReportFactory(BaseFactory):
    class Meta:
        model = ListingReport

    listing = factory.SubFactory(ListingFactory)
    reason = "This looks wrong."
