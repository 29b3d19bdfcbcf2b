"""Helpers for scorecard tests: the reference indicators and values."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.scorecard.breakdowns import CITYWIDE
from portal.scorecard.models import Indicator, IndicatorValue
from portal.scorecard.services import load_reference


def load_scorecard() -> None:
    load_reference()
    db.session.commit()


def indicator(code: str) -> Indicator:
    found = db.session.scalar(select(Indicator).where(Indicator.code == code))
    assert found is not None, f"no indicator {code}"
    return found


def add_value(
    code: str,
    year: int,
    value: float,
    *,
    quarter: int = 0,
    breakdown: str = CITYWIDE,
    category: str = "",
) -> IndicatorValue:
    entry = IndicatorValue(
        indicator_id=indicator(code).id,
        year=year,
        quarter=quarter,
        breakdown=breakdown,
        category=category,
        value=value,
        source="Test",
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def values(code: str | None = None) -> list[IndicatorValue]:
    db.session.expire_all()
    statement = select(IndicatorValue)
    if code:
        statement = statement.where(IndicatorValue.indicator_id == indicator(code).id)
    return list(db.session.scalars(statement))
