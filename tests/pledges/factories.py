"""Helpers that build pledges and progress reports straight into the database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.core.models import Ambition, Ward
from portal.extensions import db
from portal.orgs.models import Organisation
from portal.pledges.models import CharterPrinciple, Pledge, ProgressUpdate, SocialValueMeasure
from tests.factories import OrganisationFactory


def measure(code: str) -> SocialValueMeasure:
    return db.session.scalar(select(SocialValueMeasure).where(SocialValueMeasure.code == code))


def principle(code: str) -> CharterPrinciple:
    return db.session.scalar(select(CharterPrinciple).where(CharterPrinciple.code == code))


def ambition(code: str) -> Ambition:
    return db.session.scalar(select(Ambition).where(Ambition.code == code))


def ward(name: str) -> Ward:
    return db.session.scalar(select(Ward).where(Ward.name == name))


def make_pledge(
    organisation: Organisation | None = None,
    *,
    title: str = "Staff volunteering in Leeds",
    measure_code: str = "SOC-1",
    baseline: str | int = 0,
    target: str | int = 1000,
    start: date = date(2026, 1, 1),
    end: date = date(2026, 12, 31),
    public: bool = True,
    citywide: bool = True,
    wards: tuple[str, ...] = (),
    ambitions: tuple[str, ...] = ("THRIVING",),
    principles: tuple[str, ...] = ("COMMUNITY_VCSE",),
) -> Pledge:
    pledge = Pledge(
        organisation=organisation or OrganisationFactory(),
        measure=measure(measure_code),
        title=title,
        description="What we will do.",
        baseline=Decimal(baseline),
        target=Decimal(target),
        start_date=start,
        end_date=end,
        citywide=citywide,
        is_public=public,
        wards=[ward(name) for name in wards],
        ambitions=[ambition(code) for code in ambitions],
        principles=[principle(code) for code in principles],
    )
    db.session.add(pledge)
    db.session.commit()
    return pledge


def report(
    pledge: Pledge,
    value: str | int,
    *,
    period_end: date,
    reported_on: date | None = None,
    period_start: date | None = None,
) -> ProgressUpdate:
    reported_on = reported_on or period_end
    update = ProgressUpdate(
        pledge=pledge,
        period_start=period_start or period_end - timedelta(days=89),
        period_end=period_end,
        value=Decimal(value),
        created_at=datetime(reported_on.year, reported_on.month, reported_on.day, 12),
    )
    db.session.add(update)
    db.session.commit()
    return update
