"""The Ambitions scorecard: indicators, their values per period and breakdown, ward deprivation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.choices import one_of
from ..core.csv_import import CsvImportMixin
from ..core.models import Ambition, Ward, utcnow
from ..extensions import Model
from .breakdowns import CITYWIDE
from .periods import Period
from .values import ValidRange

DIRECTION_UP = "up"
DIRECTION_DOWN = "down"
FREQUENCY_YEAR = "year"
FREQUENCY_QUARTER = "quarter"
DIRECTIONS = (DIRECTION_UP, DIRECTION_DOWN)
FREQUENCIES = (FREQUENCY_YEAR, FREQUENCY_QUARTER)


class Indicator(Model):
    """One scorecard indicator, loaded from `data/indicators.yaml` (reference data)."""

    __tablename__ = "scorecard_indicators"
    __table_args__ = (one_of("direction", DIRECTIONS), one_of("frequency", FREQUENCIES))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    ambition_id: Mapped[int] = mapped_column(ForeignKey("ambitions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(4))
    frequency: Mapped[str] = mapped_column(String(10), default=FREQUENCY_YEAR)
    # Comma-separated breakdown keys (see breakdowns.BREAKDOWNS), beyond citywide.
    breakdown_keys: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The values the indicator can take (a share 0 to 100, a count from 0); None is unbounded.
    valid_min: Mapped[float | None] = mapped_column(Float)
    valid_max: Mapped[float | None] = mapped_column(Float)

    ambition: Mapped[Ambition] = relationship(lazy="joined")

    @property
    def valid_range(self) -> ValidRange:
        return ValidRange(self.valid_min, self.valid_max)

    @property
    def breakdowns(self) -> list[str]:
        return [key for key in self.breakdown_keys.split(",") if key]

    def supports(self, breakdown: str) -> bool:
        return breakdown == CITYWIDE or breakdown in self.breakdowns

    def __str__(self) -> str:
        return self.title


class IndicatorValue(Model):
    """A value of an indicator for one period, citywide or for one category of a breakdown."""

    __tablename__ = "scorecard_values"
    __table_args__ = (UniqueConstraint("indicator_id", "year", "quarter", "breakdown", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("scorecard_indicators.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer, default=0)  # 0 for a whole-year value
    breakdown: Mapped[str] = mapped_column(String(30), default=CITYWIDE)
    category: Mapped[str] = mapped_column(String(80), default="")  # "" for citywide
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()

    @property
    def period(self) -> Period:
        return Period(self.year, self.quarter)


class WardDeprivation(Model):
    """A ward's deprivation figures; shipped ones are illustrative until an admin replaces them."""

    __tablename__ = "scorecard_ward_deprivation"

    id: Mapped[int] = mapped_column(primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), unique=True)
    # % of residents living in LSOAs in the most deprived 10% nationally.
    share_most_deprived: Mapped[float] = mapped_column(Float)
    decile: Mapped[int] = mapped_column(Integer)  # within Leeds: 1 = most deprived tenth of wards
    source: Mapped[str] = mapped_column(String(200), default="")
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=True)
    # Residents (None: no figure). Replaced separately: an upload may leave the shipped ones.
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    population_is_illustrative: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    ward: Mapped[Ward] = relationship(lazy="joined")


class ScorecardImport(CsvImportMixin, Model):
    """A CSV of values being checked and applied by a background job, with its progress."""

    __tablename__ = "scorecard_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
