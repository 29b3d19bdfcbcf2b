"""The public wall as CSV rows, streamed: a city's pledges without loading them all.

Seven statements, whatever the number of pledges: the pledges themselves (only the columns the
file prints) and, for the same pledges in the same order, their current reports, linked
deliveries, revisions, ambitions, principles and wards. Each is read from a server-side cursor
and merged a pledge at a time, so the first rows go out at once and memory stays flat.
Figures come from `services.assess`, the same rules as every page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, select

from ..core.areas import area_label
from ..core.models import Ambition, Ward, utcnow
from ..exchange.models import MATCH_DELIVERED, ExchangeMatch
from ..extensions import db
from ..orgs.models import ORGANISATION_KINDS, Organisation
from . import services
from .links import link_delivery
from .models import (
    REPORT_CURRENT,
    CharterPrinciple,
    Pledge,
    PledgeExchangeLink,
    PledgeRevision,
    ProgressUpdate,
    SocialValueMeasure,
    pledge_ambitions,
    pledge_principles,
    pledge_wards,
)

HEADER = [
    "pledge_id",
    "organisation",
    "organisation_kind",
    "title",
    "measure_code",
    "measure",
    "unit",
    "baseline",
    "target",
    "start_date",
    "end_date",
    "area",
    "ambitions",
    "principles",
    "status",
    "promised_units",
    "delivered_units",
    "promised_value_gbp",
    "delivered_value_gbp",
    "original_promised_units",
    "original_promised_value_gbp",
    "revisions",
]
# Rows fetched from each cursor at a time.
BATCH = 1000


@dataclass
class ExportedPledge:
    """One pledge's printed columns (a `services.Promise` for `services.assess`)."""

    id: int
    created_at: datetime
    title: str
    organisation: str
    organisation_kind: str
    measure_id: int
    measure_code: str
    measure: str
    unit: str
    baseline: Decimal
    target: Decimal
    start_date: date
    end_date: date
    citywide: bool
    revisions: list[PledgeRevision] = field(default_factory=list)

    def original(self, name: str) -> Any:
        """As `Pledge.original`: the value before the first revision of `name`."""
        for revision in self.revisions:
            if revision.field == name:
                return revision.old_value_typed
        return getattr(self, name)


class _Companion:
    """A stream of rows for the exported pledges, ordered as they are, read a pledge at a time.

    Rows of a pledge the main stream does not have (one published between the two statements)
    are passed over: every row carries its pledge's sort key (created_at, id).
    """

    def __init__(self, rows: Iterator[Row[Any]]) -> None:
        self._rows = rows
        self._head = next(self._rows, None)

    def take(self, pledge: ExportedPledge) -> list[Row[Any]]:
        key = (pledge.created_at, pledge.id)
        taken = []
        while self._head is not None and (self._head.created_at, self._head.pledge_id) >= key:
            if self._head.pledge_id == pledge.id:
                taken.append(self._head)
            self._head = next(self._rows, None)
        return taken


def _stream(statement: Any) -> Iterator[Any]:
    result = db.session.execute(statement, execution_options={"yield_per": BATCH})
    for partition in result.partitions():
        yield from partition


def export_rows(statement: Select, *, revision_text: Callable[[Any], str]) -> Iterator[list[Any]]:
    """CSV rows for every pledge `statement` (the wall's query) matches, in its order."""
    today = utcnow().date()
    book = services.proxy_book()
    order = (Pledge.created_at.desc(), Pledge.id.desc())
    ids = statement.order_by(None).with_only_columns(Pledge.id).scalar_subquery()

    def companion(*columns: Any) -> Select:
        return (
            select(Pledge.id.label("pledge_id"), Pledge.created_at, *columns)
            .where(Pledge.id.in_(ids))
            .order_by(*order)
        )

    pledges = _stream(
        statement.with_only_columns(
            Pledge.id,
            Pledge.created_at,
            Pledge.title,
            Organisation.name,
            Organisation.kind,
            Pledge.measure_id,
            SocialValueMeasure.code,
            SocialValueMeasure.name,
            SocialValueMeasure.unit_label,
            Pledge.baseline,
            Pledge.target,
            Pledge.start_date,
            Pledge.end_date,
            Pledge.citywide,
        ).join(SocialValueMeasure, SocialValueMeasure.id == Pledge.measure_id)
    )
    reports = _Companion(
        _stream(
            companion(
                ProgressUpdate.period_end,
                ProgressUpdate.value,
                ProgressUpdate.created_at.label("reported_at"),
                ProgressUpdate.note,
                ProgressUpdate.evidence_url,
            )
            .join(ProgressUpdate, ProgressUpdate.pledge_id == Pledge.id)
            .where(ProgressUpdate.status == REPORT_CURRENT)
            .order_by(ProgressUpdate.period_end, ProgressUpdate.id)
        )
    )
    exchanges = _Companion(
        _stream(
            companion(
                PledgeExchangeLink.quantity,
                PledgeExchangeLink.linked_at,
                ExchangeMatch.delivered_at,
                ExchangeMatch.delivered_quantity,
                ExchangeMatch.delivered_unit,
                SocialValueMeasure.unit,
            )
            .join(PledgeExchangeLink, PledgeExchangeLink.pledge_id == Pledge.id)
            .join(ExchangeMatch, PledgeExchangeLink.match_id == ExchangeMatch.id)
            .join(SocialValueMeasure, Pledge.measure_id == SocialValueMeasure.id)
            .where(ExchangeMatch.status == MATCH_DELIVERED, ExchangeMatch.delivered_at.is_not(None))
            .order_by(PledgeExchangeLink.id)
        )
    )
    revisions = _Companion(
        _stream(
            companion(
                PledgeRevision.field,
                PledgeRevision.old_value,
                PledgeRevision.new_value,
                PledgeRevision.created_at.label("revised_at"),
            )
            .join(PledgeRevision, PledgeRevision.pledge_id == Pledge.id)
            .order_by(PledgeRevision.created_at, PledgeRevision.id)
        )
    )
    ambitions = _Companion(
        _stream(
            companion(Ambition.name)
            .join(pledge_ambitions, pledge_ambitions.c.pledge_id == Pledge.id)
            .join(Ambition, Ambition.id == pledge_ambitions.c.ambition_id)
            .order_by(Ambition.position)
        )
    )
    principles = _Companion(
        _stream(
            companion(CharterPrinciple.name)
            .join(pledge_principles, pledge_principles.c.pledge_id == Pledge.id)
            .join(CharterPrinciple, CharterPrinciple.id == pledge_principles.c.principle_id)
            .order_by(CharterPrinciple.position)
        )
    )
    wards = _Companion(
        _stream(
            companion(Ward.name)
            .join(pledge_wards, pledge_wards.c.pledge_id == Pledge.id)
            .join(Ward, Ward.id == pledge_wards.c.ward_id)
            .order_by(Ward.name)
        )
    )
    for row in pledges:
        pledge = ExportedPledge(
            id=row[0],
            created_at=row[1],
            title=row[2],
            organisation=row[3],
            organisation_kind=ORGANISATION_KINDS.get(row[4], row[4]),
            measure_id=row[5],
            measure_code=row[6],
            measure=row[7],
            unit=row[8],
            baseline=row[9],
            target=row[10],
            start_date=row[11],
            end_date=row[12],
            citywide=row[13],
        )
        pledge.revisions = [
            PledgeRevision(
                field=r.field, old_value=r.old_value, new_value=r.new_value, created_at=r.revised_at
            )
            for r in revisions.take(pledge)
        ]
        deliveries = [
            services.report_delivery(r.period_end, r.value, r.reported_at, r.note, r.evidence_url)
            for r in reports.take(pledge)
        ]
        deliveries += [
            link_delivery(
                r.quantity,
                r.linked_at,
                r.delivered_at,
                r.delivered_quantity,
                r.delivered_unit,
                r.unit,
            )
            for r in exchanges.take(pledge)
        ]
        figures = services.assess(pledge, deliveries, book, today)
        yield [
            pledge.id,
            pledge.organisation,
            pledge.organisation_kind,
            pledge.title,
            pledge.measure_code,
            pledge.measure,
            pledge.unit,
            pledge.baseline,
            pledge.target,
            pledge.start_date.isoformat(),
            pledge.end_date.isoformat(),
            area_label(pledge.citywide, [r.name for r in wards.take(pledge)]),
            "; ".join(r.name for r in ambitions.take(pledge)),
            "; ".join(r.name for r in principles.take(pledge)),
            services.rules.STATUS_LABELS[figures["status"]],
            figures["promised_units"],
            figures["delivered_units"],
            figures["promised_value"],
            figures["delivered_value"],
            figures["original_units"],
            figures["original_value"],
            "; ".join(revision_text(r) for r in pledge.revisions),
        ]
