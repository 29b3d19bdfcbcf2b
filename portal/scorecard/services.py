"""Scorecard state changes and queries. Services add and flush; the caller commits."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from ..accounts.models import User
from ..core.audit import changes_since, record, values_of
from ..core.csv_import import ImportKind, register
from ..core.csv_import import start_import as start_csv_import
from ..core.models import Ambition, Ward
from ..extensions import db
from .breakdowns import CITYWIDE, category_label
from .csv_import import SPEC, DeprivationRow, IndicatorRule, Lookups, ValueRow
from .deprivation import derive_deciles, values_by_decile
from .models import (
    FREQUENCY_YEAR,
    Indicator,
    IndicatorValue,
    ScorecardImport,
    WardDeprivation,
)
from .periods import Period
from .trends import Change, latest_change
from .values import declared_range

ILLUSTRATIVE_SOURCE = "Illustrative figures shipped with the portal (not official statistics)"


def _data_text(name: str) -> str:
    return resources.files("portal.scorecard").joinpath("data", name).read_text(encoding="utf-8")


# Reference data -----------------------------------------------------------------------------


def load_indicators() -> int:
    """Insert or update the indicators from `data/indicators.yaml`; returns how many there are."""
    data = yaml.safe_load(_data_text("indicators.yaml"))
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    existing = {i.code: i for i in db.session.scalars(select(Indicator))}
    count = 0
    for ambition_code, items in data["ambitions"].items():
        ambition = ambitions.get(ambition_code)
        if ambition is None:  # reference data not loaded yet: nothing to attach to
            continue
        for position, item in enumerate(items, start=1):
            indicator = existing.get(item["code"])
            if indicator is None:
                indicator = Indicator(code=item["code"])
                db.session.add(indicator)
            indicator.ambition_id = ambition.id
            indicator.title = item["title"]
            indicator.unit = str(item["unit"])
            indicator.direction = item["direction"]
            indicator.frequency = item.get("frequency", FREQUENCY_YEAR)
            indicator.breakdown_keys = ",".join(item.get("breakdowns") or [])
            valid = declared_range(indicator.unit, item.get("valid_range"))
            indicator.valid_min, indicator.valid_max = valid.minimum, valid.maximum
            indicator.position = position
            count += 1
    db.session.flush()
    return count


def shipped_deprivation_rows() -> list[dict[str, str]]:
    lines = [
        line for line in _data_text("ward_deprivation.csv").splitlines() if not line.startswith("#")
    ]
    return list(csv.DictReader(lines))


def load_shipped_ward_deprivation() -> int:
    """Add the illustrative figures for wards that have none; never overwrite replaced figures."""
    wards = {w.name: w.id for w in db.session.scalars(select(Ward))}
    have = set(db.session.scalars(select(WardDeprivation.ward_id)))
    populations = {
        wards[row["ward"]]: int(row["population"])
        for row in shipped_deprivation_rows()
        if row["ward"] in wards and row.get("population")
    }
    if have:
        # Figures loaded before wards had a population get the illustrative one.
        for entry in db.session.scalars(
            select(WardDeprivation).where(WardDeprivation.population.is_(None))
        ):
            entry.population = populations.get(entry.ward_id)
            entry.population_is_illustrative = True
        db.session.flush()
        return 0
    shares = {
        wards[row["ward"]]: float(row["share_most_deprived"])
        for row in shipped_deprivation_rows()
        if row["ward"] in wards
    }
    deciles = derive_deciles(shares)
    for ward_id, share in shares.items():
        db.session.add(
            WardDeprivation(
                ward_id=ward_id,
                share_most_deprived=share,
                decile=deciles[ward_id],
                source=ILLUSTRATIVE_SOURCE,
                is_illustrative=True,
                population=populations.get(ward_id),
                population_is_illustrative=True,
            )
        )
    db.session.flush()
    return len(shares)


def load_reference() -> tuple[int, int]:
    """Load the indicators and, if none are there yet, the illustrative ward deprivation figures."""
    return load_indicators(), load_shipped_ward_deprivation()


# Ward deprivation ---------------------------------------------------------------------------


def ward_decile_map() -> dict[int, int]:
    """Each ward's deprivation decile within Leeds (1 = most deprived), keyed by ward id."""
    return dict(db.session.execute(select(WardDeprivation.ward_id, WardDeprivation.decile)).all())


def ward_deprivation_rows() -> list[WardDeprivation]:
    return list(
        db.session.scalars(
            select(WardDeprivation)
            .join(WardDeprivation.ward)
            .order_by(WardDeprivation.decile, Ward.name)
        )
    )


def deprivation_is_illustrative() -> bool:
    """True while any ward still carries the shipped illustrative figures (or none are loaded)."""
    rows = db.session.scalars(select(WardDeprivation.is_illustrative)).all()
    return not rows or any(rows)


def population_is_illustrative() -> bool:
    """True while any ward's population is the shipped illustrative one, or missing."""
    rows = db.session.execute(
        select(WardDeprivation.population, WardDeprivation.population_is_illustrative)
    ).all()
    return not rows or any(population is None or flag for population, flag in rows)


def ward_lookup() -> dict[str, int]:
    """Ward ids by lower-cased name and ONS code (either may identify a ward in a CSV)."""
    lookup: dict[str, int] = {}
    for ward in db.session.scalars(select(Ward)):
        lookup[ward.name.lower()] = ward.id
        lookup[ward.ons_code.lower()] = ward.id
        if ward.later_code:
            lookup[ward.later_code.lower()] = ward.id
    return lookup


def replace_ward_deprivation(rows: list[DeprivationRow], filename: str) -> None:
    """Replace every ward's figures with checked rows from an admin's upload; audited."""
    shares = {row.ward_id: row.share_most_deprived for row in rows}
    deciles = derive_deciles(shares)
    existing = {d.ward_id: d for d in db.session.scalars(select(WardDeprivation))}
    for row in rows:
        entry = existing.get(row.ward_id)
        if entry is None:
            entry = WardDeprivation(ward_id=row.ward_id)
            db.session.add(entry)
        entry.share_most_deprived = row.share_most_deprived
        entry.decile = deciles[row.ward_id]
        entry.source = row.source or f"Uploaded from {filename}"[:200]
        entry.is_illustrative = False
        if row.population is not None:  # a file without the column keeps the populations
            entry.population = row.population
            entry.population_is_illustrative = False
    db.session.flush()
    record(
        "scorecard.ward_deprivation_replaced",
        summary=f"Ward deprivation figures replaced from {filename} ({len(rows)} wards)"[:300],
        details={"filename": filename, "wards": len(rows)},
    )


# Values ---------------------------------------------------------------------------------------


def indicator_by_code(code: str) -> Indicator | None:
    return db.session.scalar(select(Indicator).where(Indicator.code == code))


def indicator_rules() -> dict[str, IndicatorRule]:
    return {
        i.code: IndicatorRule(
            i.id, i.ambition_id, i.frequency, i.unit, tuple(i.breakdowns), i.valid_range
        )
        for i in db.session.scalars(select(Indicator))
    }


def ward_names() -> list[str]:
    return list(db.session.scalars(select(Ward.name).order_by(Ward.name)))


# What a recorded value holds; its audit entries keep these before and after.
VALUE_FIELDS = ("value", "source", "notes")


def record_value(
    indicator: Indicator,
    period: Period,
    breakdown: str,
    category: str,
    value: float,
    *,
    source: str = "",
    notes: str = "",
    user: User | None = None,
) -> IndicatorValue:
    """Record (or correct) the value for one period and category; audited."""
    entry = db.session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.year == period.year,
            IndicatorValue.quarter == period.quarter,
            IndicatorValue.breakdown == breakdown,
            IndicatorValue.category == category,
        )
    )
    previous = entry.value if entry is not None else None
    before = values_of(entry, VALUE_FIELDS) if entry else dict.fromkeys(VALUE_FIELDS)
    if entry is None:
        entry = IndicatorValue(
            indicator_id=indicator.id,
            year=period.year,
            quarter=period.quarter,
            breakdown=breakdown,
            category=category,
        )
        db.session.add(entry)
    entry.value = value
    entry.source = source
    entry.notes = notes
    entry.recorded_by_id = user.id if user else None
    db.session.flush()
    record(
        "scorecard.value_recorded",
        entry,
        summary=f"{indicator.title}, {period}, {category_label(breakdown, category)}: {value:g}"[
            :300
        ],
        details={"indicator": indicator.code, "previous": previous, "value": value},
        changes=changes_since(before, entry),
    )
    return entry


def delete_value(entry: IndicatorValue) -> None:
    record(
        "scorecard.value_deleted",
        entry,
        summary=f"{entry.indicator.title}, {entry.period}, "
        f"{category_label(entry.breakdown, entry.category)}: {entry.value:g} deleted"[:300],
        changes={name: (old, None) for name, old in values_of(entry, VALUE_FIELDS).items()},
    )
    db.session.delete(entry)
    db.session.flush()


def apply_rows(rows: list[ValueRow], user_id: int | None) -> dict[str, tuple[Any, Any]]:
    """Insert or update every checked row (one query per indicator to find what exists).

    Returns each row's value before and after, keyed by its line in the file, for the audit.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    by_indicator: dict[int, list[ValueRow]] = defaultdict(list)
    for row in rows:
        by_indicator[row.indicator_id].append(row)
    for indicator_id, indicator_rows in by_indicator.items():
        existing = {
            (v.indicator_id, v.year, v.quarter, v.breakdown, v.category): v
            for v in db.session.scalars(
                select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
            )
        }
        for row in indicator_rows:
            entry = existing.get(row.key)
            if entry is None:
                entry = IndicatorValue(
                    indicator_id=row.indicator_id,
                    year=row.period.year,
                    quarter=row.period.quarter,
                    breakdown=row.breakdown,
                    category=row.category,
                )
                db.session.add(entry)
            changes[f"row {row.row} value"] = (entry.value, row.value)
            entry.value = row.value
            entry.source = row.source
            entry.notes = row.notes
            entry.recorded_by_id = user_id
    db.session.flush()
    return changes


def start_import(user: User, filename: str, text: str, total_rows: int) -> ScorecardImport:
    """Keep the upload and queue the job that checks and applies it once the caller commits."""
    entry: ScorecardImport = start_csv_import(
        SCORECARD_IMPORTS, text, total_rows, created_by_id=user.id, filename=filename
    )
    return entry


# Reading the scorecard ----------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    change: Change


def scorecard_by_ambition() -> list[tuple[Ambition, list[IndicatorSummary]]]:
    """Every Ambition with its indicators and each one's latest citywide change (two queries)."""
    indicators = list(
        db.session.scalars(
            select(Indicator)
            .join(Indicator.ambition)
            .order_by(Ambition.position, Indicator.position)
        )
    )
    series: dict[int, list[tuple[Period, float]]] = defaultdict(list)
    for indicator_id, year, quarter, value in db.session.execute(
        select(
            IndicatorValue.indicator_id,
            IndicatorValue.year,
            IndicatorValue.quarter,
            IndicatorValue.value,
        ).where(IndicatorValue.breakdown == CITYWIDE)
    ):
        series[indicator_id].append((Period(year, quarter), value))
    grouped: dict[int, tuple[Ambition, list[IndicatorSummary]]] = {}
    for indicator in indicators:
        _, summaries = grouped.setdefault(indicator.ambition_id, (indicator.ambition, []))
        summaries.append(
            IndicatorSummary(indicator, latest_change(series[indicator.id], indicator.direction))
        )
    return list(grouped.values())


def citywide_series(indicator: Indicator) -> list[IndicatorValue]:
    return list(
        db.session.scalars(
            select(IndicatorValue)
            .where(
                IndicatorValue.indicator_id == indicator.id, IndicatorValue.breakdown == CITYWIDE
            )
            .order_by(IndicatorValue.year, IndicatorValue.quarter)
        )
    )


def periods_with_breakdowns(indicator: Indicator) -> list[Period]:
    rows = db.session.execute(
        select(IndicatorValue.year, IndicatorValue.quarter)
        .where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.breakdown != CITYWIDE)
        .distinct()
    )
    return sorted((Period(year, quarter) for year, quarter in rows), reverse=True)


@dataclass(frozen=True)
class BreakdownView:
    rows: list[tuple[str, float]]
    values: list[IndicatorValue]
    derived_from_wards: bool = False


def breakdown_values(indicator: Indicator, breakdown: str, period: Period) -> BreakdownView:
    """Values for one breakdown and period, in category order.

    With no recorded deprivation-decile values, they are derived from the ward values and the
    wards' deprivation deciles (an unweighted mean per decile).
    """
    values = list(
        db.session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == indicator.id,
                IndicatorValue.breakdown == breakdown,
                IndicatorValue.year == period.year,
                IndicatorValue.quarter == period.quarter,
            )
        )
    )
    if values:
        if breakdown == "deprivation_decile":
            values.sort(key=lambda v: int(v.category) if v.category.isdigit() else 99)
        else:
            values.sort(key=lambda v: v.category)
        return BreakdownView(
            [(category_label(breakdown, v.category), v.value) for v in values], values
        )
    if breakdown == "deprivation_decile" and indicator.supports("ward"):
        names = dict(db.session.execute(select(Ward.name, Ward.id)).all())
        ward_values = {
            names[v.category]: v.value
            for v in breakdown_values(indicator, "ward", period).values
            if v.category in names
        }
        derived = values_by_decile(ward_values, ward_decile_map())
        if derived:
            rows = [
                (category_label(breakdown, str(decile)), value) for decile, value in derived.items()
            ]
            return BreakdownView(rows, [], derived_from_wards=True)
    return BreakdownView([], [])


def imports_for(user: User) -> list[ScorecardImport]:
    statement = select(ScorecardImport).order_by(ScorecardImport.id.desc()).limit(10)
    if not user.is_platform_admin:
        statement = statement.where(ScorecardImport.created_by_id == user.id)
    return list(db.session.scalars(statement))


def _lookups(entry: ScorecardImport) -> Lookups:
    user = db.session.get(User, entry.created_by_id)
    return Lookups(
        indicators=indicator_rules(),
        ward_names=ward_names(),
        may_record=lambda ambition_id: user is not None and user.convenes(ambition_id),
    )


def _apply(entry: ScorecardImport, rows: list[ValueRow]) -> int:
    changes = apply_rows(rows, entry.created_by_id)
    record(
        "scorecard.values_imported",
        entry,
        summary=f"{len(rows)} scorecard values imported from {entry.filename}"[:300],
        user_id=entry.created_by_id,
        changes=changes,
    )
    return len(rows)


SCORECARD_IMPORTS = register(
    ImportKind(
        name="scorecard",
        model=ScorecardImport,
        spec=SPEC,
        context=_lookups,
        apply=_apply,
    )
)
