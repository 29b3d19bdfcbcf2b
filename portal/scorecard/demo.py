"""Demo scorecard: indicators, illustrative ward deprivation, three years of fictional values."""

from __future__ import annotations

import random

from sqlalchemy import select

from ..core.models import Ward
from ..extensions import db
from .breakdowns import CITYWIDE, FIXED_CATEGORIES
from .models import FREQUENCY_QUARTER, Indicator, IndicatorValue
from .services import load_reference, ward_decile_map

DEMO_YEARS = (2024, 2025, 2026)
DEMO_SOURCE = "Demonstration figures (fictional)"
RATE_UNITS = (
    "%",
    "years",
    "points",
    "per 1,000 live births",
    "per 1,000 people",
    "per 100,000 adults",
)
# Typical citywide starting values so the demo reads plausibly; not real Leeds figures.
BASELINES = {
    "years": 80.0,
    "%": 40.0,
    "per 1,000 live births": 75.0,
    "per 1,000 people": 28.0,
    "points": 46.0,
    "businesses": 4200.0,
    "homes": 600.0,
    "households": 800.0,
    "incidents": 5200.0,
    "people": 320.0,
    "sites": 40.0,
    "trees": 50_000.0,
    "connections": 300.0,
}
SPECIFIC = {
    "life-expectancy-male": 78.3,
    "life-expectancy-female": 82.2,
    "employment-rate": 73.0,
    "economic-inactivity": 22.0,
    "children-low-income-families": 24.0,
    "road-ksi-children": 45.0,
    "flood-risk-homes": 3500.0,
    "carbon-reduction-since-2005": 48.0,
    "household-waste-recovered": 92.0,
    "tree-canopy-cover": 17.5,
    "fuel-poverty": 15.0,
    "children-feeling-happy": 68.0,
    "common-mental-health-issues": 14.0,
    "severe-mental-illness": 110.0,
    "physical-inactivity-50-plus": 28.0,
    "healthy-weight-reception": 76.0,
    "good-level-of-development": 65.0,
    "below-real-living-wage-full-time": 9.0,
    "below-real-living-wage-part-time": 35.0,
    "business-survival-5-year": 38.0,
    "ks2-reading-writing-maths": 57.0,
    "neet-16-17": 5.0,
    "volunteers": 22.0,
    "green-space-access": 80.0,
    "cultural-engagement": 60.0,
    "epc-c-residential": 45.0,
    "epc-c-commercial": 40.0,
    "low-zero-carbon-public-transport": 20.0,
    "adults-walking-cycling-weekly": 70.0,
}


def seed_demo() -> None:
    """Load the reference data and add values for indicators that have none yet (idempotent)."""
    load_reference()
    rng = random.Random(6006)
    have_values = set(db.session.scalars(select(IndicatorValue.indicator_id).distinct()))
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    deciles = ward_decile_map()
    indicators = db.session.scalars(
        select(Indicator).order_by(Indicator.ambition_id, Indicator.position)
    )
    for indicator in indicators:
        if indicator.id in have_values:
            continue
        _seed_indicator(indicator, rng, wards, deciles)
    db.session.flush()


def _periods(indicator: Indicator) -> list[tuple[int, int]]:
    if indicator.frequency == FREQUENCY_QUARTER:
        return [(year, quarter) for year in DEMO_YEARS for quarter in (1, 2, 3, 4)]
    return [(year, 0) for year in DEMO_YEARS]


def _seed_indicator(
    indicator: Indicator, rng: random.Random, wards: list[Ward], deciles: dict[int, int]
) -> None:
    base = SPECIFIC.get(indicator.code, BASELINES.get(indicator.unit, 50.0))
    good = 1 if indicator.direction == "up" else -1
    # Most indicators drift the good way; some stall or slip, as real scorecards do.
    drift = good * rng.choice([0.02, 0.015, 0.01, 0.0, -0.01]) * base
    if indicator.unit == "years":
        drift /= 8  # life expectancy moves by months a year, not years
    periods = _periods(indicator)
    per_step = drift / (4 if indicator.frequency == FREQUENCY_QUARTER else 1)
    for step, (year, quarter) in enumerate(periods):
        level = (
            base
            + per_step * step
            + rng.uniform(-0.005, 0.005) * base * (0.2 if indicator.unit == "years" else 1)
        )
        _add(indicator, year, quarter, CITYWIDE, "", level)
        for breakdown in indicator.breakdowns:
            if breakdown == "ward":
                for ward in wards:
                    # Deprived wards fare worse on every indicator: 1 is most deprived.
                    gap = (5.5 - deciles.get(ward.id, 5)) / 4.5  # +1 most deprived .. -1 least
                    _add(
                        indicator,
                        year,
                        quarter,
                        "ward",
                        ward.name,
                        _spread(level, -good * gap, rng, indicator, len(wards)),
                    )
            elif breakdown == "deprivation_decile":
                for decile in range(1, 11):
                    gap = (5.5 - decile) / 4.5
                    _add(
                        indicator,
                        year,
                        quarter,
                        breakdown,
                        str(decile),
                        _spread(level, -good * gap, rng, indicator, 10),
                    )
            else:
                categories = FIXED_CATEGORIES[breakdown]
                for position, category in enumerate(categories):
                    offset = (position - (len(categories) - 1) / 2) / max(1, len(categories)) * 0.6
                    _add(
                        indicator,
                        year,
                        quarter,
                        breakdown,
                        category,
                        _spread(level, offset, rng, indicator, len(categories)),
                    )


def _spread(
    level: float, gap: float, rng: random.Random, indicator: Indicator, parts: int
) -> float:
    """A category's value: the citywide level moved by `gap` (-1..1) of a plausible spread.

    Counts (homes, incidents) are split across the `parts` categories; rates are not."""
    spread = 0.06 if indicator.unit == "years" else 0.25
    value = level * (1 + gap * spread + rng.uniform(-0.02, 0.02))
    if indicator.unit not in RATE_UNITS:
        value = value / parts
    if indicator.unit == "%":
        value = min(99.0, max(0.5, value))
    return value


def _add(
    indicator: Indicator, year: int, quarter: int, breakdown: str, category: str, value: float
) -> None:
    places = 1 if indicator.unit in RATE_UNITS else 0
    db.session.add(
        IndicatorValue(
            indicator_id=indicator.id,
            year=year,
            quarter=quarter,
            breakdown=breakdown,
            category=category,
            value=round(value, places),
            source=DEMO_SOURCE,
        )
    )
