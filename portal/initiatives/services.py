"""Initiatives: progress updates, contributions and their corrections, and the figures they
roll up into (see `rollup` for the rule). Services add and flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Exists, Select, exists, func, select, union
from sqlalchemy.orm import joinedload, lazyload

from ..accounts.models import User
from ..activities.models import PARTNER_ACCEPTED, Activity, activity_partners
from ..core import audit
from ..core.models import utcnow
from ..extensions import db
from ..orgs.models import STATUS_APPROVED, Organisation
from . import rollup
from .models import CONTRIBUTION_CURRENT, CONTRIBUTION_SUPERSEDED, Contribution, InitiativeUpdate


class ContributionError(Exception):
    """Why a contribution cannot be changed, in words for the page."""


@dataclass(frozen=True)
class ContributionValues:
    period_start: date
    period_end: date
    volunteer_hours: Decimal
    money: Decimal
    people_reached: int
    note: str


def _figures_of(values: ContributionValues | Contribution) -> dict[str, object]:
    return {
        "period_start": values.period_start,
        "period_end": values.period_end,
        "volunteer_hours": values.volunteer_hours,
        "money": values.money,
        "people_reached": values.people_reached,
        "note": values.note,
    }


def check_values(values: ContributionValues) -> None:
    """The rules the forms check, again for any other caller: nothing negative or absurd."""
    if values.period_end < values.period_start:
        raise ContributionError("The end of the period must be on or after its start")
    if not 0 <= values.volunteer_hours <= rollup.MAX_HOURS:
        raise ContributionError("Volunteer hours must be between 0 and 1,000,000")
    if not 0 <= values.money <= rollup.MAX_MONEY:
        raise ContributionError("Money must be between £0 and £100,000,000")
    if not 0 <= values.people_reached <= rollup.MAX_PEOPLE:
        raise ContributionError("People reached must be between 0 and 10,000,000")


def post_update(
    activity: Activity, organisation: Organisation, body: str, user: User | None
) -> InitiativeUpdate:
    """A partner's progress update on the initiative."""
    update = InitiativeUpdate(
        activity_id=activity.id,
        organisation_id=organisation.id,
        author_id=user.id if user else None,
        body=body,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(
        "initiative.update_posted",
        update,
        summary=f"{organisation.name} posted an update on ‘{activity.title}’",
        organisation_id=organisation.id,
    )
    return update


def record_contribution(
    activity: Activity, organisation: Organisation, values: ContributionValues, user: User | None
) -> Contribution:
    """The organisation's own contribution to the initiative; audited, as it feeds totals."""
    check_values(values)
    contribution = Contribution(
        activity_id=activity.id,
        organisation_id=organisation.id,
        created_by_id=user.id if user else None,
        **_figures_of(values),
    )
    db.session.add(contribution)
    db.session.flush()
    audit.record(
        "initiative.contribution_recorded",
        contribution,
        summary=f"{organisation.name} recorded a contribution to ‘{activity.title}’",
        organisation_id=organisation.id,
        changes={name: (None, value) for name, value in _figures_of(values).items()},
    )
    return contribution


def correct_contribution(
    contribution: Contribution, values: ContributionValues, reason: str, user: User | None
) -> Contribution:
    """Supersede a contribution with a corrected one: the original stays in the history (no
    longer counted) with the reason, and the audit entry keeps old and new values."""
    check_values(values)
    # Locked, so two corrections of one row cannot both supersede it (PostgreSQL).
    locked = db.session.scalars(
        select(Contribution)
        .where(Contribution.id == contribution.id)
        .options(lazyload(Contribution.organisation))  # no outer join: PostgreSQL locks one row
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if not locked.is_current:
        raise ContributionError("This contribution has already been corrected")
    locked.status = CONTRIBUTION_SUPERSEDED
    locked.reason = reason
    locked.closed_at = utcnow()
    correction = Contribution(
        activity_id=locked.activity_id,
        organisation_id=locked.organisation_id,
        created_by_id=user.id if user else None,
        prior_id=locked.id,
        **_figures_of(values),
    )
    db.session.add(correction)
    db.session.flush()
    old, new = _figures_of(locked), _figures_of(correction)
    audit.record(
        "initiative.contribution_corrected",
        correction,
        summary=f"Contribution corrected: {reason}"[:300],
        organisation_id=locked.organisation_id,
        changes={name: (old[name], new[name]) for name in old if old[name] != new[name]},
        details={"reason": reason, "original": locked.id, "correction": correction.id},
    )
    return correction


def updates_query(activity_id: int) -> Select:
    """The initiative's progress updates, newest first."""
    return (
        select(InitiativeUpdate)
        .where(InitiativeUpdate.activity_id == activity_id)
        .order_by(InitiativeUpdate.created_at.desc(), InitiativeUpdate.id.desc())
    )


def contributions_of(activity_id: int, *, current: bool = True) -> list[Contribution]:
    """Current contributions (or the superseded ones: the corrections' history), by
    organisation and period."""
    status = CONTRIBUTION_CURRENT if current else CONTRIBUTION_SUPERSEDED
    return list(
        db.session.scalars(
            select(Contribution)
            .where(Contribution.activity_id == activity_id, Contribution.status == status)
            .join(Organisation, Organisation.id == Contribution.organisation_id)
            .order_by(Organisation.name, Contribution.period_start, Contribution.id)
            .options(
                joinedload(Contribution.organisation).options(
                    lazyload(Organisation.wards), lazyload(Organisation.network_memberships)
                )
            )
        )
    )


def contribution_of(org_id: int, activity_id: int, contribution_id: int) -> Contribution | None:
    """A contribution of this organisation to this initiative (None for anyone else's)."""
    return db.session.scalar(
        select(Contribution).where(
            Contribution.id == contribution_id,
            Contribution.activity_id == activity_id,
            Contribution.organisation_id == org_id,
        )
    )


def _figures(row: Contribution) -> rollup.Figures:
    return rollup.Figures(row.people_reached, row.volunteer_hours, row.money)


@dataclass(frozen=True)
class InitiativeTotals:
    total: rollup.Figures
    by_organisation: list[tuple[Organisation, rollup.Figures]]


def totals_of(contributions: list[Contribution]) -> InitiativeTotals:
    """The initiative's total (the sum of current contributions) and each organisation's."""
    per: dict[int, tuple[Organisation, rollup.Figures]] = {}
    for row in contributions:
        organisation, figures = per.get(row.organisation_id, (row.organisation, rollup.Figures()))
        per[row.organisation_id] = (organisation, figures + _figures(row))
    return InitiativeTotals(
        rollup.total(_figures(row) for row in contributions),
        sorted(per.values(), key=lambda pair: pair[0].name),
    )


def _current_contribution_exists() -> Exists:
    return exists().where(
        Contribution.activity_id == Activity.id, Contribution.status == CONTRIBUTION_CURRENT
    )


def organisation_figures(organisation_id: int) -> rollup.Figures:
    """The organisation's figures by the roll-up rule: headlines of the activities it leads
    with no contributions, plus its own current contributions (two aggregate queries)."""
    led = db.session.execute(
        select(
            func.coalesce(func.sum(Activity.people_reached), 0),
            func.coalesce(func.sum(Activity.volunteer_hours), 0),
            func.coalesce(func.sum(Activity.spend), 0),
        ).where(Activity.lead_organisation_id == organisation_id, ~_current_contribution_exists())
    ).one()
    own = db.session.execute(
        select(
            func.coalesce(func.sum(Contribution.people_reached), 0),
            func.coalesce(func.sum(Contribution.volunteer_hours), 0),
            func.coalesce(func.sum(Contribution.money), 0),
        )
        # Through the activity: a deleted activity's contributions count no more (SQLite does
        # not cascade the delete as PostgreSQL does).
        .join(Activity, Activity.id == Contribution.activity_id)
        .where(
            Contribution.organisation_id == organisation_id,
            Contribution.status == CONTRIBUTION_CURRENT,
        )
    ).one()
    return rollup.organisation_total(
        [rollup.Figures(int(led[0]), Decimal(led[1]), Decimal(led[2]))],
        [rollup.Figures(int(own[0]), Decimal(own[1]), Decimal(own[2]))],
    )


def initiatives_of(organisation_id: int, limit: int = 10) -> list[Activity]:
    """The initiatives the organisation is a partner in (leads, or accepted a tag on), newest
    first: activities with at least one accepted partner that is approved.

    The organisation's own activities are found first (by lead, then by accepted tag, each an
    index read), and only those are checked for a partner: checking every partnered activity
    in the city for the organisation costs 40 ms at city scale, this under 1 ms."""
    own = union(
        select(Activity.id).where(Activity.lead_organisation_id == organisation_id),
        select(activity_partners.c.activity_id).where(
            activity_partners.c.organisation_id == organisation_id,
            activity_partners.c.status == PARTNER_ACCEPTED,
        ),
    )
    has_partner = (
        exists()
        .where(
            activity_partners.c.activity_id == Activity.id,
            activity_partners.c.status == PARTNER_ACCEPTED,
            Organisation.id == activity_partners.c.organisation_id,
            Organisation.status == STATUS_APPROVED,
        )
        .correlate(Activity)
    )
    return list(
        db.session.scalars(
            select(Activity)
            .where(Activity.id.in_(own), has_partner)
            .order_by(Activity.start_date.desc(), Activity.id.desc())
            .options(
                lazyload(Activity.lead_organisation),
            )
            .limit(limit)
        )
    )
