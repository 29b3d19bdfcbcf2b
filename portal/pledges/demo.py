"""Demo pledges: a realistic spread across organisations, measures and Ambitions, with quarterly
progress reports that run ahead, on track, behind, stop (and lapse), finish or miss."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..core.models import utcnow
from ..demo.people import demo_organisations
from ..extensions import db
from ..orgs.models import (
    KIND_BUSINESS_ANCHOR,
    KIND_COMMUNITY_ANCHOR,
    KIND_PUBLIC_ANCHOR,
    KIND_VCSE,
    Organisation,
)
from .catalogue import load_catalogue
from .links import link_exchange, linkable_matches
from .models import Pledge, ProgressUpdate, SocialValueMeasure
from .status import add_months

# (measure code, title with {n}, (low, high) units promised, baseline for reductions or None)
# (measure code, title pattern, range of the target, fixed baseline or None)
PledgeIdea = tuple[str, str, tuple[int, int], Any]
IDEAS: dict[str, list[PledgeIdea]] = {
    KIND_PUBLIC_ANCHOR: [
        ("JOBS-3", "{n} apprenticeship weeks for young people in Leeds", (520, 2600), None),
        ("JOBS-2", "{n} jobs for people furthest from work", (10, 40), None),
        ("GROW-1", "£{n} more spent with Leeds-based suppliers", (2_000_000, 12_000_000), None),
        ("ENV-2", "Cut our scope 1 and 2 emissions by {n} tonnes CO2e a year", (800, 4000), 9000),
        ("JOBS-6", "{n} contracted staff moved onto the Real Living Wage", (50, 400), None),
        ("SOC-3", "{n} hours of free meeting space for community groups", (200, 1000), None),
        ("SOC-1", "{n} hours of staff volunteering in our neighbourhoods", (2000, 8000), None),
    ],
    KIND_BUSINESS_ANCHOR: [
        ("GROW-3", "£{n} spent with Leeds micro and small businesses", (250_000, 2_000_000), None),
        ("JOBS-1", "{n} new local jobs", (5, 30), None),
        ("ENV-1", "{n} tonnes CO2e avoided through our fleet and buildings", (50, 400), None),
        ("GROW-4", "{n} hours of free expert advice for local small firms", (100, 600), None),
        ("JOBS-5", "{n} attendee-hours of careers talks and mock interviews", (500, 3000), None),
        ("SOC-2", "£{n} given to Leeds community groups", (10_000, 100_000), None),
        ("ENV-3", "Send {n} fewer tonnes of waste to landfill each year", (60, 200), 320),
    ],
    KIND_COMMUNITY_ANCHOR: [
        ("SOC-4", "{n} attendee-hours of wellbeing sessions", (500, 5000), None),
        ("SOC-5", "{n} residents through our healthy-living programme", (30, 300), None),
        ("INN-1", "{n} attendee-hours of help getting online", (200, 2000), None),
        ("JOBS-4", "{n} work placement weeks for local young people", (20, 200), None),
    ],
    KIND_VCSE: [
        ("ENV-4", "{n} tonnes of surplus food to community pantries", (5, 60), None),
        ("SOC-1", "{n} volunteer hours from our members", (200, 1500), None),
        ("SOC-4", "{n} attendee-hours of walking and activity groups", (300, 2000), None),
        ("INN-1", "{n} attendee-hours of digital drop-in sessions", (100, 800), None),
    ],
}
# How each demo pledge performs against its straight line: (label, share of the line, weight).
PROFILES = [("ahead", 1.2, 2), ("on_track", 1.0, 4), ("behind", 0.6, 2), ("stalled", 0.9, 2)]
NOTES = [
    "Figures from our HR system, checked by the programme lead.",
    "Delivered with two community partners this quarter.",
    "Slower than planned: recruitment took longer than expected.",
    "Includes the summer programme, our busiest period.",
    "Counted from our finance system at quarter end.",
    "",
]


def _round_units(value: float, whole: bool) -> Decimal:
    if whole:
        return Decimal(max(0, round(value)))
    return Decimal(str(round(max(0.0, value), 2)))


def _promised(rng: random.Random, low: int, high: int) -> int:
    raw = rng.randint(low, high)
    scale = 10 ** max(0, len(str(raw)) - 2)  # round to two significant figures, as people do
    return max(low, raw // scale * scale)


def _make_pledge(
    rng: random.Random,
    organisation: Organisation,
    idea: tuple[str, str, tuple[int, int], int | None],
    measure: SocialValueMeasure,
    today: date,
) -> Pledge:
    _code, title, (low, high), reduction_baseline = idea
    promised = _promised(rng, low, high)
    # Start dates from two and a half years ago to two months ahead; one to three years long.
    start = date(today.year, today.month, 1) - timedelta(days=rng.randint(-60, 900))
    start = start.replace(day=1)
    end = add_months(start, rng.choice([12, 24, 24, 36])) - timedelta(days=1)
    if reduction_baseline is not None:
        baseline, target = Decimal(reduction_baseline), Decimal(reduction_baseline - promised)
    else:
        baseline, target = Decimal(0), Decimal(promised)
    wards = [] if organisation.citywide else organisation.wards[:3]
    ambitions = sorted({goal.ambition for goal in measure.goals}, key=lambda a: a.position)
    pledge = Pledge(
        organisation_id=organisation.id,
        measure_id=measure.id,
        title=title.format(n=f"{promised:,}"),
        description=(
            f"{organisation.name} commits to this under the Leeds Social Value Charter. "
            f"We count it as the catalogue says: {measure.counting_rule}"
        ),
        baseline=baseline,
        target=target,
        start_date=start,
        end_date=end,
        citywide=not wards,
        is_public=rng.random() > 0.15,
        created_at=datetime(start.year, start.month, start.day, 9) - timedelta(days=14),
        updated_at=datetime(start.year, start.month, start.day, 9) - timedelta(days=14),
    )
    pledge.principles = list(measure.principles)
    pledge.wards = list(wards)
    pledge.ambitions = ambitions
    pledge.goals = list(measure.goals)
    db.session.add(pledge)
    _add_reports(rng, pledge, measure, Decimal(promised), today)
    return pledge


def _add_reports(
    rng: random.Random, pledge: Pledge, measure: SocialValueMeasure, promised: Decimal, today: date
) -> None:
    label, pace, _ = rng.choices(PROFILES, weights=[p[2] for p in PROFILES])[0]
    quarters = max(1, round((pledge.end_date - pledge.start_date).days / 91))
    per_quarter = float(promised) / quarters * pace
    # A stalled pledge stops reporting after a few quarters, so some end up lapsed.
    stop_after = rng.randint(1, 3) if label == "stalled" else quarters + 4
    period_start = pledge.start_date
    for number in range(quarters + 2):
        period_end = add_months(period_start, 3) - timedelta(days=1)
        reported_on = period_end + timedelta(days=rng.randint(5, 25))
        if number >= stop_after or reported_on > today or period_end > pledge.end_date:
            break
        value = _round_units(per_quarter * rng.uniform(0.7, 1.3), measure.whole_number)
        pledge.updates.append(
            ProgressUpdate(
                period_start=period_start,
                period_end=period_end,
                value=value,
                note=rng.choice(NOTES),
                created_at=datetime(reported_on.year, reported_on.month, reported_on.day, 10),
            )
        )
        period_start = period_end + timedelta(days=1)


def seed_demo() -> None:
    """Load the catalogue, then give most demo organisations one to three pledges (once)."""
    load_catalogue()
    if not db.session.scalar(select(func.count(Pledge.id))):
        _seed_pledges()
    db.session.flush()
    _link_demo_exchanges()


def _seed_pledges() -> None:
    rng = random.Random(4004)
    today = utcnow().date()
    measures = {m.code: m for m in db.session.scalars(select(SocialValueMeasure))}
    for kind, ideas in IDEAS.items():
        for organisation in demo_organisations(kind):
            if rng.random() < 0.15:
                continue  # not everyone has pledged yet
            count = rng.randint(1, 3) if kind != KIND_VCSE else rng.randint(1, 2)
            for idea in rng.sample(ideas, count):
                _make_pledge(rng, organisation, idea, measures[idea[0]], today)


# Exchange units that match a measure unit one for one.
SAME_UNITS = {"hours": "hours", "hour": "hours", "£": "gbp"}


def _link_demo_exchanges() -> None:
    """Count delivered demo exchanges towards a matching pledge of the offering organisation."""
    pledges_by_org: dict[int, list[Pledge]] = {}
    for pledge in db.session.scalars(select(Pledge).order_by(Pledge.id)):
        pledges_by_org.setdefault(pledge.organisation_id, []).append(pledge)
    for organisation_id, pledges in pledges_by_org.items():
        for match in linkable_matches(organisation_id):
            unit = SAME_UNITS.get((match.delivered_unit or "").strip().lower())
            for pledge in pledges:
                if (
                    unit == pledge.measure.unit
                    and match.delivered_quantity
                    and match.delivered_at is not None
                    and match.delivered_at.date() >= pledge.start_date
                ):
                    link_exchange(pledge, match, match.delivered_quantity, None)
                    break
