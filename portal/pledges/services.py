"""Pledges: queries, progress summaries (status and £), and the changes members and admins make.

Services add and flush; the caller commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import (
    Select,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import joinedload, lazyload

from ..core import audit
from ..core.locking import check_version
from ..core.models import Ambition, Goal, Ward, utcnow
from ..extensions import db
from ..orgs.models import STATUS_APPROVED, Organisation
from . import status as rules
from .models import (
    REPORT_CURRENT,
    REPORT_SUPERSEDED,
    REPORT_WITHDRAWN,
    REVISABLE_FIELDS,
    CharterPrinciple,
    Pledge,
    PledgeExport,
    PledgeRevision,
    PledgeStanding,
    ProgressUpdate,
    ProxyValue,
    SocialValueMeasure,
    pledge_ambitions,
    pledge_principles,
    pledge_wards,
)
from .valuation import ProxyBook, money


class PledgeError(Exception):
    """A change refused for a reason the person can act on."""


# ---------------------------------------------------------------- reading


def all_principles() -> list[CharterPrinciple]:
    return list(db.session.scalars(select(CharterPrinciple).order_by(CharterPrinciple.position)))


def all_measures() -> list[SocialValueMeasure]:
    return list(
        db.session.scalars(select(SocialValueMeasure).order_by(SocialValueMeasure.position))
    )


def proxy_book() -> ProxyBook:
    """Every proxy version in one query."""
    book = ProxyBook()
    for measure_id, year, value in db.session.execute(
        select(ProxyValue.measure_id, ProxyValue.year, ProxyValue.value)
    ):
        book.versions.setdefault(measure_id, []).append((year, value))
    return book


def public_pledges_query(
    *,
    ambition_id: int | None = None,
    principle_id: int | None = None,
    kind: str | None = None,
    ward_id: int | None = None,
) -> Select:
    """Public pledges of approved organisations, newest first. A ward filter includes citywide."""
    statement = (
        select(Pledge)
        .join(Pledge.organisation)
        .where(Pledge.is_public.is_(True), Organisation.status == STATUS_APPROVED)
        .order_by(Pledge.created_at.desc(), Pledge.id.desc())
    )
    if ambition_id:
        statement = statement.where(
            exists().where(
                pledge_ambitions.c.pledge_id == Pledge.id,
                pledge_ambitions.c.ambition_id == ambition_id,
            )
        )
    if principle_id:
        statement = statement.where(
            exists().where(
                pledge_principles.c.pledge_id == Pledge.id,
                pledge_principles.c.principle_id == principle_id,
            )
        )
    if kind:
        statement = statement.where(Organisation.kind == kind)
    if ward_id:
        statement = statement.where(
            or_(
                Pledge.citywide.is_(True),
                exists().where(
                    pledge_wards.c.pledge_id == Pledge.id, pledge_wards.c.ward_id == ward_id
                ),
            )
        )
    return statement


def organisation_pledges(
    organisation_id: int, *, public_only: bool = False, listed: bool = False
) -> list[Pledge]:
    """The organisation's pledges, soonest ending first; `listed` loads only what a list of
    them shows (`as_listed`, without wards)."""
    statement = (
        select(Pledge)
        .where(Pledge.organisation_id == organisation_id)
        .order_by(Pledge.end_date, Pledge.id)
    )
    if public_only:
        statement = statement.where(Pledge.is_public.is_(True))
    if listed:
        statement = as_listed(statement, wards=False)
    return list(db.session.scalars(statement))


def as_listed(statement: Select, *, wards: bool = True) -> Select:
    """Lists of pledges (the wall's cards, the overdue list) show a pledge's organisation,
    measure, progress and perhaps its wards: the pledge's principles, Ambitions and goals, its
    organisation's wards and networks and its measure's principles and goals stay unloaded
    (seven queries a page)."""
    if not wards:
        statement = statement.options(lazyload(Pledge.wards))
    return statement.options(
        lazyload(Pledge.principles),
        lazyload(Pledge.ambitions),
        lazyload(Pledge.goals),
        joinedload(Pledge.organisation).options(
            lazyload(Organisation.wards), lazyload(Organisation.network_memberships)
        ),
        joinedload(Pledge.measure).options(
            lazyload(SocialValueMeasure.principles), lazyload(SocialValueMeasure.goals)
        ),
    )


def organisation_totals(organisation_id: int, *, public_only: bool = False) -> Totals:
    """The organisation's pledge totals for its home and public panels.

    Only what `assess` reads is loaded (updates and revisions): the panels never show a pledge's
    organisation, measure, principles, wards, Ambitions or goals, and loading them took six
    more queries on every organisation page."""
    statement = (
        select(Pledge)
        .where(Pledge.organisation_id == organisation_id)
        .options(
            lazyload(Pledge.organisation),
            lazyload(Pledge.measure),
            lazyload(Pledge.principles),
            lazyload(Pledge.wards),
            lazyload(Pledge.ambitions),
            lazyload(Pledge.goals),
        )
    )
    if public_only:
        statement = statement.where(Pledge.is_public.is_(True))
    return totals(progress_for(list(db.session.scalars(statement))))


def can_view_publicly(pledge: Pledge) -> bool:
    return pledge.is_public and pledge.organisation.status == STATUS_APPROVED


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class Delivery:
    """Units delivered by the end of a period; `reported_on` is when the organisation said so."""

    on: date
    units: Decimal
    reported_on: date
    note: str = ""
    evidence_url: str | None = None


@dataclass
class Progress:
    pledge: Pledge
    promised_units: Decimal
    delivered_units: Decimal
    promised_value: Decimal
    delivered_value: Decimal
    expected_units: Decimal
    status: str
    due_on: date
    overdue: bool
    # The promise as first made, before any revision; equal to the current one when unrevised.
    original_units: Decimal = Decimal(0)
    original_value: Decimal = Decimal(0)
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]

    @property
    def status_colour(self) -> str:
        return rules.STATUS_COLOURS[self.status]

    @property
    def percent_delivered(self) -> int:
        if not self.promised_units:
            return 0
        return int(min(Decimal(100), self.delivered_units / self.promised_units * 100))

    @property
    def revised(self) -> bool:
        return bool(self.pledge.revisions)

    @property
    def last_reported_on(self) -> date | None:
        return max((d.reported_on for d in self.deliveries), default=None)


def exchange_deliveries(pledge_ids: Sequence[int]) -> dict[int, list[Delivery]]:
    """Delivered exchanges linked to these pledges, as deliveries (one query)."""
    from .links import linked_deliveries

    return linked_deliveries(pledge_ids)


class Promise(Protocol):
    """What a progress summary reads from a pledge: an ORM `Pledge`, or an export row."""

    measure_id: int
    baseline: Decimal
    target: Decimal
    start_date: date
    end_date: date

    def original(self, name: str) -> Any: ...


def assess(
    promise: Promise, deliveries: list[Delivery], book: ProxyBook, today: date
) -> dict[str, Any]:
    """Status, units and £ for one promise and its deliveries (the `Progress` fields but the
    pledge): the one place these rules are applied, for pages and the streamed export alike."""
    deliveries = sorted(deliveries, key=lambda d: (d.on, d.reported_on))
    promised = rules.promised_units(promise.baseline, promise.target)
    original = rules.promised_units(promise.original("baseline"), promise.original("target"))
    delivered = sum((d.units for d in deliveries), Decimal(0))
    last_reported = max((d.reported_on for d in deliveries), default=None)
    last_period_end = max((d.on for d in deliveries), default=None)
    state = rules.pledge_status(
        start=promise.start_date,
        end=promise.end_date,
        promised=promised,
        delivered=delivered,
        last_reported_on=last_reported,
        last_period_end=last_period_end,
        today=today,
    )
    due_on = rules.report_due_on(promise.start_date, last_reported)
    as_at = min(today, last_period_end) if last_period_end else today
    measure_id = promise.measure_id
    return {
        "promised_units": promised,
        "delivered_units": delivered,
        "promised_value": book.promised_value(measure_id, promised, promise.start_date),
        "original_units": original,
        "original_value": book.promised_value(measure_id, original, promise.original("start_date")),
        "delivered_value": book.delivered_value(measure_id, [(d.on, d.units) for d in deliveries]),
        "expected_units": rules.expected_units(
            promise.start_date, promise.end_date, promised, as_at
        ),
        "status": state,
        "due_on": due_on,
        "overdue": rules.is_overdue(state, due_on, today),
        "deliveries": deliveries,
    }


def report_delivery(
    period_end: date, value: Decimal, created_at: datetime, note: str, evidence_url: str | None
) -> Delivery:
    """A current progress report as a delivery."""
    return Delivery(period_end, value, created_at.date(), note, evidence_url)


def summarise(
    pledge: Pledge,
    book: ProxyBook,
    today: date,
    extra: Iterable[Delivery] = (),
) -> Progress:
    """Status, units and £ for one pledge: its own updates plus any linked deliveries."""
    deliveries = [
        report_delivery(u.period_end, u.value, u.created_at, u.note, u.evidence_url)
        for u in pledge.current_updates
    ] + list(extra)
    return Progress(pledge=pledge, **assess(pledge, deliveries, book, today))


def progress_for(pledges: Sequence[Pledge], today: date | None = None) -> list[Progress]:
    """Summaries for a list of pledges in a fixed number of queries, whatever the list's length."""
    today = today or utcnow().date()
    book = proxy_book()
    linked = exchange_deliveries([p.id for p in pledges]) if pledges else {}
    return [summarise(p, book, today, linked.get(p.id, ())) for p in pledges]


@dataclass
class Totals:
    count: int = 0
    promised_value: Decimal = Decimal(0)
    delivered_value: Decimal = Decimal(0)
    original_value: Decimal = Decimal(0)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def gap(self) -> Decimal:
        """Still to deliver; below zero when more was delivered than promised."""
        return money(self.promised_value - self.delivered_value)

    @property
    def exceeded_by(self) -> Decimal:
        return max(-self.gap, Decimal(0))

    @property
    def revised(self) -> bool:
        return self.original_value != self.promised_value

    @property
    def percent_delivered(self) -> int:
        if not self.promised_value:
            return 0
        return int(self.delivered_value / self.promised_value * 100)


def totals(progresses: Iterable[Progress]) -> Totals:
    result = Totals()
    for item in progresses:
        result.count += 1
        result.promised_value += item.promised_value
        result.original_value += item.original_value
        result.delivered_value += item.delivered_value
        result.by_status[item.status] = result.by_status.get(item.status, 0) + 1
    return result


def _first_revisions(pledge_ids: Any) -> Any:
    """Per revised pledge, the value each revisable field had before its first revision
    (`Pledge.original`), as text; null for a field never revised."""
    first = (
        select(
            PledgeRevision.pledge_id,
            PledgeRevision.field,
            PledgeRevision.old_value,
            func.row_number()
            .over(
                partition_by=(PledgeRevision.pledge_id, PledgeRevision.field),
                order_by=(PledgeRevision.created_at, PledgeRevision.id),
            )
            .label("nth"),
        )
        .where(PledgeRevision.pledge_id.in_(pledge_ids))
        .subquery("revisions")
    )
    return (
        select(
            first.c.pledge_id,
            *(
                func.max(case((first.c.field == name, first.c.old_value))).label(name)
                for name in ("baseline", "target", "start_date")
            ),
        )
        .where(first.c.nth == 1)
        .group_by(first.c.pledge_id)
        .subquery("originals")
    )


def public_totals(statement: Select) -> Totals:
    """Promised and delivered £ over every pledge a query matches (not just one page), in one
    aggregate over the pledges' stored standing (`standing.py`), which holds each pledge's
    figures by the rules of `progress_for`: promised £ at its start year's proxy, the original
    promise from before the first revision, delivered £ of current reports and of linked
    delivered exchanges (at their linked quantity). No progress report is read.
    """
    matched = statement.order_by(None).with_only_columns(Pledge.id).subquery("matched")
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(PledgeStanding.promised_value), 0),
            func.coalesce(func.sum(PledgeStanding.original_value), 0),
            func.coalesce(func.sum(PledgeStanding.counted_value), 0),
        ).select_from(matched.join(PledgeStanding, PledgeStanding.pledge_id == matched.c.id))
    ).one()
    count, promised_value, original_value, counted_value = row
    return Totals(
        count=int(count),
        promised_value=money(Decimal(promised_value)),
        original_value=money(Decimal(original_value)),
        delivered_value=money(Decimal(counted_value)),
    )


def overdue_pledges_query(today: date) -> Select:
    """Running pledges across the network whose progress report is overdue, oldest due first,
    by `status.pledge_status`'s and `status.is_overdue`'s rules over the stored standing: not
    achieved, started, not missed unless lapsed, and the report due 3 months after the last one
    (or the start) has passed. Reads the next-due index, not every report."""
    return (
        select(Pledge)
        .join(PledgeStanding, PledgeStanding.pledge_id == Pledge.id)
        .join(Pledge.organisation)
        .where(
            PledgeStanding.next_due < today,
            PledgeStanding.achieved.is_(False),
            Organisation.status == STATUS_APPROVED,
            Pledge.start_date <= today,
            or_(PledgeStanding.lapses_on <= today, Pledge.end_date >= today),
        )
        .order_by(PledgeStanding.next_due, Pledge.id)
    )


def overdue_pledges(today: date | None = None) -> list[Progress]:
    """Every overdue pledge with its progress (for the reminder job: a page uses the query)."""
    today = today or utcnow().date()
    pledges = list(db.session.scalars(overdue_pledges_query(today)))
    return [p for p in progress_for(pledges, today) if p.overdue]


# ---------------------------------------------------------------- changing


def _apply_pledge_fields(pledge: Pledge, data: dict[str, Any]) -> None:
    pledge.title = data["title"]
    pledge.description = data["description"] or ""
    pledge.measure_id = data["measure"]
    pledge.baseline = data["baseline"]
    pledge.target = data["target"]
    pledge.start_date = data["start_date"]
    pledge.end_date = data["end_date"]
    pledge.citywide = bool(data["citywide"])
    pledge.is_public = data["visibility"] == "public"
    pledge.principles = list(
        db.session.scalars(
            select(CharterPrinciple).where(CharterPrinciple.id.in_(data["principles"] or []))
        )
    )
    pledge.wards = (
        []
        if pledge.citywide
        else list(db.session.scalars(select(Ward).where(Ward.id.in_(data["wards"] or []))))
    )
    pledge.ambitions = list(
        db.session.scalars(select(Ambition).where(Ambition.id.in_(data["ambitions"] or [])))
    )
    pledge.goals = list(db.session.scalars(select(Goal).where(Goal.id.in_(data["goals"] or []))))
    pledge.updated_at = utcnow()


def create_pledge(organisation: Organisation, data: dict[str, Any], user_id: int) -> Pledge:
    """Add a pledge for `organisation` from validated form data."""
    pledge = Pledge(organisation_id=organisation.id, created_by_id=user_id)
    _apply_pledge_fields(pledge, data)
    db.session.add(pledge)
    db.session.flush()
    audit.record(
        "pledge.created",
        pledge,
        summary=f"Pledge created: {pledge.title}",
        organisation_id=organisation.id,
    )
    return pledge


# What an edit can change; the audit entry keeps these before and after (related rows by name).
PLEDGE_FIELDS = (
    "title",
    "description",
    "measure",
    "baseline",
    "target",
    "start_date",
    "end_date",
    "citywide",
    "is_public",
    "principles",
    "wards",
    "ambitions",
    "goals",
)


def record_pledge_change(pledge: Pledge, action: str, summary: str, **audit_fields: Any) -> None:
    """Mark the pledge changed now and audit it: what counts towards it may have moved."""
    pledge.updated_at = utcnow()
    db.session.flush()
    audit.record(
        action, pledge, summary=summary, organisation_id=pledge.organisation_id, **audit_fields
    )


def has_reports(pledge: Pledge) -> bool:
    """Whether anything has been reported towards the pledge (a current report or a link)."""
    from .links import links_for_pledge

    return bool(pledge.current_updates) or bool(links_for_pledge(pledge.id))


def update_pledge(pledge: Pledge, data: dict[str, Any]) -> Pledge:
    """Save changes to a pledge from validated form data; the audit entry keeps old and new.

    Refused with `EditConflict` if someone saved it since `data["version"]` was rendered."""
    check_version(pledge, data.get("version"))
    before = audit.values_of(pledge, PLEDGE_FIELDS)
    _apply_pledge_fields(pledge, data)
    db.session.flush()
    db.session.expire(pledge, ["measure"])  # set by id: read the new measure, not the old one
    changes = audit.changes_since(before, pledge)
    changed = sorted(audit.changed(changes))
    audit.record(
        "pledge.updated",
        pledge,
        summary=f"Pledge edited: {pledge.title}"
        + (f" ({', '.join(changed)} changed)" if changed else " (nothing changed)"),
        organisation_id=pledge.organisation_id,
        changes=changes,
    )
    return pledge


def revise_pledge(
    pledge: Pledge,
    values: dict[str, Any],
    reason: str,
    user_id: int,
    version: int | None = None,
) -> list[PledgeRevision]:
    """Change the promise (baseline, target, dates) with a reason: one revision row per field."""
    check_version(pledge, version)
    revisions = []
    changes: dict[str, tuple[Any, Any]] = {}
    for name in REVISABLE_FIELDS:
        old, new = getattr(pledge, name), values.get(name)
        if new is None or audit.changed({name: (old, new)}) == {}:
            continue
        text = audit.changed({name: (old, new)})[name]
        revision = PledgeRevision(
            pledge=pledge,
            field=name,
            old_value=text[0],
            new_value=text[1],
            reason=reason,
            created_by_id=user_id,
        )
        db.session.add(revision)
        revisions.append(revision)
        changes[name] = (old, new)
        setattr(pledge, name, new)
    if not revisions:
        raise PledgeError("Change at least one of the baseline, target or dates")
    record_pledge_change(
        pledge,
        "pledge.revised",
        f"Promise revised on {pledge.title}: {reason}",
        changes=changes,
        details={"reason": reason},
    )
    return revisions


def add_progress_update(pledge: Pledge, data: dict[str, Any], user_id: int) -> ProgressUpdate:
    """Record units delivered in a period; the next reminder waits for the next due date."""
    update = _new_report(pledge, data, user_id)
    record_pledge_change(
        pledge, "pledge.progress_reported", f"Progress reported on {pledge.title}: {data['value']}"
    )
    return update


def _new_report(pledge: Pledge, data: dict[str, Any], user_id: int, **extra: Any) -> ProgressUpdate:
    """A current report of units delivered, from validated form data."""
    update = ProgressUpdate(
        pledge=pledge,
        period_start=data["period_start"],
        period_end=data["period_end"],
        value=data["value"],
        note=data["note"] or "",
        evidence_url=data["evidence_url"] or None,
        created_by_id=user_id,
        **extra,
    )
    db.session.add(update)
    return update


def _report_fields(update: ProgressUpdate) -> dict[str, Any]:
    return {
        "period_start": update.period_start,
        "period_end": update.period_end,
        "value": update.value,
        "note": update.note,
        "evidence_url": update.evidence_url,
    }


def correct_progress_update(
    update: ProgressUpdate, data: dict[str, Any], reason: str, user_id: int
) -> ProgressUpdate:
    """Supersede a report with a corrected one; the original stays, no longer counted."""
    check_version(update, data.get("version"))
    if not update.is_current:
        raise PledgeError("This report has already been corrected or withdrawn")
    pledge = update.pledge
    update.status = REPORT_SUPERSEDED
    update.reason = reason
    update.closed_at = utcnow()
    correction = _new_report(pledge, data, user_id, replaces=update, reason=reason)
    record_pledge_change(
        pledge,
        "pledge.progress_corrected",
        f"Progress report corrected on {pledge.title}: {reason}",
        changes={
            name: (old, _report_fields(correction)[name])
            for name, old in _report_fields(update).items()
        },
        details={"reason": reason, "report": update.id, "correction": correction.id},
    )
    return correction


def withdraw_progress_update(
    update: ProgressUpdate, reason: str, version: int | None = None
) -> ProgressUpdate:
    """Withdraw a report: it stays in the history but no longer counts."""
    check_version(update, version)
    if not update.is_current:
        raise PledgeError("This report has already been corrected or withdrawn")
    update.status = REPORT_WITHDRAWN
    update.reason = reason
    update.closed_at = utcnow()
    record_pledge_change(
        update.pledge,
        "pledge.progress_withdrawn",
        f"Progress report withdrawn on {update.pledge.title}: {reason}",
        changes={"status": (REPORT_CURRENT, REPORT_WITHDRAWN), "value": (update.value, None)},
        details={"reason": reason, "report": update.id},
    )
    return update


def set_proxy_value(
    measure: SocialValueMeasure,
    *,
    year: int,
    value: Decimal,
    source: str,
    method: str,
    user_id: int | None,
) -> ProxyValue:
    """Set the £ proxy for one measure and year (other years are untouched); audited."""
    proxy = db.session.scalar(
        select(ProxyValue).where(ProxyValue.measure_id == measure.id, ProxyValue.year == year)
    )
    before = None if proxy is None else str(proxy.value)
    if proxy is None:
        proxy = ProxyValue(measure_id=measure.id, year=year)
        db.session.add(proxy)
    proxy.value = value
    proxy.source = source
    proxy.method = method or ""
    proxy.updated_at = utcnow()
    proxy.updated_by_id = user_id
    db.session.flush()
    audit.record(
        "pledges.proxy_set",
        proxy,
        summary=f"Proxy for {measure.code} in {year} set to £{value}",
        details={"measure": measure.code, "year": year, "before": before, "after": str(value)},
    )
    return proxy


# A prepared export is reused for the same filters, and deleted, after a day.
EXPORT_KEPT_FOR = timedelta(days=1)


def matched_count(statement: Select, most: int) -> int:
    """How many pledges `statement` matches, counting no further than `most` + 1."""
    first = statement.order_by(None).with_only_columns(Pledge.id).limit(most + 1)
    return int(db.session.scalar(select(func.count()).select_from(first.subquery())) or 0)


def request_export(filters: dict[str, Any]) -> tuple[PledgeExport, bool]:
    """The export for these wall filters made within the day (ready or being prepared), or a new
    one; True when new, so the caller enqueues its job after committing."""
    key = json.dumps({name: value for name, value in filters.items() if value}, sort_keys=True)
    recent = db.session.scalar(
        select(PledgeExport)
        .where(PledgeExport.filters == key, PledgeExport.created_at > utcnow() - EXPORT_KEPT_FOR)
        .order_by(PledgeExport.created_at.desc())
        .limit(1)
    )
    if recent is not None:
        return recent, False
    export = PledgeExport(filters=key)
    db.session.add(export)
    db.session.flush()
    return export, True
