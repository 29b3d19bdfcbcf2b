"""State changes of the State of the City report, and the figures its job freezes.

Every figure comes from the current insights snapshot through `insights.tables`, so each
breakdown is suppressed exactly as the insights pages suppress it; scorecard values are
published figures (not counts of organisations) and are read as they were recorded.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..accounts.models import User
from ..core import audit
from ..core.models import Ambition, Ward, utcnow
from ..core.reference import all_ambitions
from ..extensions import db
from ..insights import read, tables
from ..insights.models import CURRENT, InsightSnapshot
from ..scorecard.models import Indicator, IndicatorValue
from ..scorecard.services import ward_decile_map
from ..voices.services import report_voices, still_shown
from .models import (
    FAILED,
    GENERATING,
    NARRATIVE_APPROVED,
    NARRATIVE_DRAFT,
    NARRATIVE_IN_REVIEW,
    NARRATIVE_PUBLISHED,
    PUBLISHED,
    READY,
    SUPERSEDED,
    ReportHighlight,
    ReportNarrative,
    StateOfCityReport,
)

MAX_HIGHLIGHTS = 5  # per Ambition and year


class ReportError(Exception):
    """A request the report's state does not allow; the message is for the person."""


# ------------------------------------------------------------------ reading


def versions_of(year: int) -> list[StateOfCityReport]:
    """Every version of a year's report, newest first."""
    return list(
        db.session.scalars(
            select(StateOfCityReport)
            .where(StateOfCityReport.year == year)
            .order_by(StateOfCityReport.version.desc())
        )
    )


def latest(year: int) -> StateOfCityReport | None:
    return next(iter(versions_of(year)), None)


def published_version(year: int, version: int | None = None) -> StateOfCityReport | None:
    """The published version of `year` (or the earlier published `version` asked for)."""
    query = select(StateOfCityReport).where(
        StateOfCityReport.year == year,
        StateOfCityReport.status.in_((PUBLISHED, SUPERSEDED)),
    )
    if version is not None:
        query = query.where(StateOfCityReport.version == version)
    return db.session.scalar(query.order_by(StateOfCityReport.version.desc()).limit(1))


def published_years() -> list[StateOfCityReport]:
    """The published report of each year, newest year first (one query)."""
    return list(
        db.session.scalars(
            select(StateOfCityReport)
            .where(StateOfCityReport.status == PUBLISHED)
            .order_by(StateOfCityReport.year.desc())
        )
    )


def all_reports(limit: int = 100) -> list[StateOfCityReport]:
    return list(
        db.session.scalars(
            select(StateOfCityReport)
            .order_by(StateOfCityReport.year.desc(), StateOfCityReport.version.desc())
            .limit(limit)
        )
    )


def content_of(report: StateOfCityReport) -> dict[str, Any]:
    """The frozen content, less stories and quotes whose consent has gone since (voices)."""
    return still_shown(json.loads(report.content)) if report.content else {}


def narrative(year: int, ambition_code: str) -> ReportNarrative | None:
    return db.session.scalar(
        select(ReportNarrative).where(
            ReportNarrative.year == year, ReportNarrative.ambition_code == ambition_code
        )
    )


def highlights(year: int, ambition_code: str) -> list[ReportHighlight]:
    return list(
        db.session.scalars(
            select(ReportHighlight)
            .where(ReportHighlight.year == year, ReportHighlight.ambition_code == ambition_code)
            .order_by(ReportHighlight.position, ReportHighlight.id)
        )
    )


def is_published(year: int) -> bool:
    return published_version(year) is not None


# ------------------------------------------------------------------ generating


def request_generation(year: int, user: User) -> StateOfCityReport:
    """Record that a year's report is to be (re)built, before any job runs. A year already
    published needs `request_regeneration`; an unpublished version is rebuilt in place."""
    if is_published(year):
        raise ReportError(
            f"The {year} report is published. Use “Regenerate” and give a reason to make a new "
            "version."
        )
    report = latest(year)
    if report is None:
        report = StateOfCityReport(year=year, version=1)
        db.session.add(report)
    report.status = GENERATING
    report.error = ""
    report.requested_at = utcnow()
    report.requested_by_id = user.id
    db.session.flush()
    audit.record("report.generate", report, summary=f"State of the City {year}: generate")
    return report


def request_regeneration(year: int, reason: str, user: User) -> StateOfCityReport:
    """A new version of a published year; the published one stays as it is until the new one
    is published (then it is kept as an earlier version)."""
    current = published_version(year)
    if current is None:
        raise ReportError(f"The {year} report is not published: generate it instead.")
    newest = latest(year)
    assert newest is not None
    if newest.status != PUBLISHED and newest.status != SUPERSEDED:
        report = newest  # an unpublished newer version: rebuild it
    else:
        report = StateOfCityReport(year=year, version=newest.version + 1)
        db.session.add(report)
    report.status = GENERATING
    report.error = ""
    report.reason = reason
    report.requested_at = utcnow()
    report.requested_by_id = user.id
    db.session.flush()
    audit.record(
        "report.regenerate",
        report,
        summary=f"State of the City {year}: regenerate as version {report.version}",
        details={"reason": reason, "published_version": current.version},
    )
    return report


def publish(report: StateOfCityReport, user: User) -> None:
    """Make a ready version public; an earlier published version of the year is kept."""
    if report.status != READY:
        raise ReportError("Only a report that is ready can be published.")
    earlier = published_version(report.year)
    if earlier is not None:
        earlier.status = SUPERSEDED
    report.status = PUBLISHED
    report.published_at = utcnow()
    report.published_by_id = user.id
    for entry in db.session.scalars(
        select(ReportNarrative).where(
            ReportNarrative.year == report.year, ReportNarrative.status == NARRATIVE_APPROVED
        )
    ):
        entry.status = NARRATIVE_PUBLISHED
    db.session.flush()
    audit.record(
        "report.publish",
        report,
        summary=f"State of the City {report.year}: published version {report.version}",
    )


def freeze(report: StateOfCityReport, content: dict[str, Any], snapshot: Any) -> None:
    report.content = json.dumps(content, sort_keys=True)
    report.snapshot_id = snapshot.id if snapshot else None
    report.snapshot_computed_at = snapshot.computed_at if snapshot else None
    report.generated_at = utcnow()
    report.pdf = None
    report.pdf_sha256 = ""
    report.status = READY


def mark_failed(report: StateOfCityReport, error: str) -> None:
    report.status = FAILED
    report.error = error[:2000]


def current_snapshot() -> InsightSnapshot | None:
    return db.session.scalar(
        select(InsightSnapshot)
        .where(InsightSnapshot.status == CURRENT)
        .order_by(InsightSnapshot.id.desc())
        .limit(1)
    )


def _plain(value: Any) -> Any:
    """JSON-friendly: ints as ints, other numbers as floats (2 places), text as it is."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(round(value, 2))
    return value


def table_data(table: tables.Table) -> dict[str, Any]:
    """A suppressed insights table as plain data (None stays None: a hidden figure)."""
    return {
        "slug": table.slug,
        "title": table.title,
        "header": list(table.header),
        "rows": [[row.label, *(_plain(v) for v in row.values)] for row in table.rows],
        "chart": table.chart,
        "note": table.note,
    }


EXCHANGE = (tables.MATCHES_DELIVERED, "exchange.median_days_to_match", tables.UNMET)
EXCHANGE_LABELS = {
    tables.MATCHES_DELIVERED: "Requests met (exchanges delivered)",
    "exchange.median_days_to_match": "Median days from request to first match",
    tables.UNMET: "Unmet requests",
}
PLEDGES = (tables.PROMISED, tables.DELIVERED, tables.GAP)


def _single_figures(
    slug: str, title: str, measures: tuple[str, ...], labels: dict[str, str], scope: Any
) -> dict[str, Any]:
    """One figure per measure, each suppressed as the insights headline suppresses it."""
    table = tables.Table(slug, title, ["Figure", "Value"], chart=None)
    for measure in measures:
        figure = tables.published(
            {measure: {tables.ALL: tables._cell(read.total(measure, **scope.filters()))}}
        )
        table.rows.append(tables.Row(labels[measure], [tables._shown(figure, measure, tables.ALL)]))
    return table_data(table)


def _indicators(ambition: Ambition, year: int, wards: list[Ward]) -> list[dict[str, Any]]:
    """Each indicator's values up to `year`: citywide series, and for its latest period with
    breakdowns the most and least deprived deciles and the ward range."""
    indicators = list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.ambition_id == ambition.id)
            .order_by(Indicator.position, Indicator.id)
        )
    )
    ids = [i.id for i in indicators]
    values = (
        list(
            db.session.scalars(
                select(IndicatorValue)
                .where(IndicatorValue.indicator_id.in_(ids), IndicatorValue.year <= year)
                .order_by(IndicatorValue.year, IndicatorValue.quarter)
            )
        )
        if ids
        else []
    )
    ward_names = {w.id: w.name for w in wards}
    decile_of_name = {ward_names[k]: v for k, v in ward_decile_map().items() if k in ward_names}
    found = []
    for indicator in indicators:
        mine = [v for v in values if v.indicator_id == indicator.id]
        citywide = [
            [str(v.period), v.value, v.year, v.quarter] for v in mine if v.breakdown == "citywide"
        ]
        other = [v for v in mine if v.breakdown != "citywide"]
        by_breakdown: dict[str, dict[str, float]] = {}
        if other:
            last = max((v.year, v.quarter) for v in other)
            for v in other:
                if (v.year, v.quarter) == last:
                    by_breakdown.setdefault(v.breakdown, {})[v.category] = v.value
            breakdown_period = f"{last[0]}" if not last[1] else f"{last[0]} Q{last[1]}"
        else:
            breakdown_period = ""
        found.append(
            {
                "code": indicator.code,
                "title": indicator.title,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "breakdown_keys": indicator.breakdowns,
                "citywide": citywide,
                "breakdowns": by_breakdown,
                "breakdown_period": breakdown_period,
                "ward_deciles": decile_of_name,
            }
        )
    return found


def gather(year: int) -> tuple[dict[str, Any], InsightSnapshot | None]:
    """Everything the report shows for `year`, from the current snapshot and the scorecard."""
    snapshot = current_snapshot()
    wards = list(db.session.scalars(select(Ward).order_by(Ward.name)))
    period = str(year)  # the year's figures only: a quarter or "all time" is not the year
    city = tables.Scope(None, period=period)
    figures: dict[str, Any] = {
        "year": year,
        "snapshot": {
            "id": snapshot.id if snapshot else None,
            "computed_at": snapshot.computed_at.isoformat()
            if snapshot and snapshot.computed_at
            else None,
        },
        "city": {
            "headline": table_data(tables.headline(city)),
            "by_ambition": table_data(
                tables.by_ambition(all_ambitions(), (tables.ACTIVITIES, tables.PEOPLE))
            ),
            "dimensions": table_data(tables.dimensions(city)),
            "change": table_data(tables.dimension_change(city)),
            "submitted": _single_figures(
                "submitted",
                "Self-assessments",
                ("assessment.organisations_submitted",),
                {"assessment.organisations_submitted": "Organisations that submitted"},
                city,
            ),
        },
        "ambitions": [],
    }
    for ambition in all_ambitions():
        scope = tables.Scope(ambition, period=period)
        entry = narrative(year, ambition.code)
        approved = entry is not None and entry.status in (NARRATIVE_APPROVED, NARRATIVE_PUBLISHED)
        figures["ambitions"].append(
            {
                "code": ambition.code,
                "name": ambition.name,
                "strapline": ambition.strapline,
                "indicators": _indicators(ambition, year, wards),
                "headline": table_data(tables.headline(scope)),
                "wards": table_data(tables.wards(scope, wards)),
                "deciles": table_data(tables.deciles(scope)),
                "pledges": _single_figures(
                    "pledges", "Pledges: promised against delivered", PLEDGES, tables.LABELS, scope
                ),
                "exchange": _single_figures(
                    "exchange", "The resource exchange", EXCHANGE, EXCHANGE_LABELS, scope
                ),
                "unmet": table_data(tables.unmet_by_ward(scope, wards)),
                "narrative": entry.body if entry is not None and approved else "",
                "highlights": [
                    {"text": h.text, "link": h.link} for h in highlights(year, ambition.code)
                ],
                "voices": report_voices(ambition.id, year),
            }
        )
    return figures, snapshot


def store_pdf(report: StateOfCityReport, pdf: bytes) -> None:
    import hashlib

    report.pdf = pdf
    report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


# ------------------------------------------------------------------ narratives and highlights


def save_narrative(year: int, ambition_code: str, body: str, user: User) -> ReportNarrative:
    """Save a draft; an edit to a narrative in review or approved sends it back to draft."""
    if is_published(year):
        raise ReportError(f"The {year} report is published: its narratives can no longer change.")
    entry = narrative(year, ambition_code)
    if entry is None:
        entry = ReportNarrative(year=year, ambition_code=ambition_code)
        db.session.add(entry)
    before = entry.body
    entry.body = body
    entry.status = NARRATIVE_DRAFT
    entry.author_id = user.id
    entry.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "report.narrative_saved",
        entry,
        summary=f"{ambition_code} narrative for {year} saved",
        changes={"body": (before, body)},
    )
    return entry


def submit_narrative(entry: ReportNarrative, user: User) -> None:
    _check_open(entry)
    if entry.status != NARRATIVE_DRAFT or not entry.body.strip():
        raise ReportError("Only a draft with some text can be sent for review.")
    entry.status = NARRATIVE_IN_REVIEW
    entry.submitted_at = utcnow()
    audit.record("report.narrative_submitted", entry, summary="Narrative sent for review")


def approve_narrative(entry: ReportNarrative, user: User) -> None:
    """Another convenor of the Ambition (or a platform admin) approves a narrative in review."""
    _check_open(entry)
    if entry.status != NARRATIVE_IN_REVIEW:
        raise ReportError("Only a narrative in review can be approved.")
    if entry.author_id == user.id and not user.is_platform_admin:
        raise ReportError("Someone other than its author must approve a narrative.")
    entry.status = NARRATIVE_APPROVED
    entry.reviewer_id = user.id
    entry.approved_at = utcnow()
    audit.record("report.narrative_approved", entry, summary="Narrative approved")


def add_highlight(
    year: int, ambition_code: str, text: str, link: str, user: User
) -> ReportHighlight:
    if is_published(year):
        raise ReportError(f"The {year} report is published: its highlights can no longer change.")
    count = db.session.scalar(
        select(func.count(ReportHighlight.id)).where(
            ReportHighlight.year == year, ReportHighlight.ambition_code == ambition_code
        )
    )
    if (count or 0) >= MAX_HIGHLIGHTS:
        raise ReportError(f"An Ambition can have up to {MAX_HIGHLIGHTS} highlights.")
    entry = ReportHighlight(
        year=year,
        ambition_code=ambition_code,
        text=text,
        link=link,
        position=(count or 0) + 1,
        author_id=user.id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _check_open(entry: ReportNarrative) -> None:
    if is_published(entry.year):
        raise ReportError(
            f"The {entry.year} report is published: its narratives can no longer change."
        )
