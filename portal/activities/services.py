"""Queries and state changes for activities. Services add and flush; the caller commits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, exists, insert, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import Membership, User
from ..core.audit import changes_since, record, values_of
from ..core.csv_import import ImportKind, register
from ..core.csv_import import start_import as start_csv_import
from ..core.locking import check_version
from ..core.models import Ambition, Goal, Ward, utcnow
from ..extensions import db
from ..orgs.models import STATUS_APPROVED, Organisation
from ..orgs.services import counted_organisations
from . import csv_import, rules
from .models import (
    Activity,
    ActivityImport,
    activity_goals,
    activity_partners,
    activity_wards,
)


def _with_list_details(statement: Select) -> Select:
    """Load everything a list row shows in a fixed number of queries, however many rows."""
    return statement.options(
        selectinload(Activity.partners),
        selectinload(Activity.goals).joinedload(Goal.ambition),
        selectinload(Activity.wards),
    )


def visibility_clause(user: Any) -> Any:
    """Public activities for everyone; private ones for the lead's and partners' members."""
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_platform_admin:
            return None
        member_of = select(Membership.organisation_id).where(Membership.user_id == user.id)
        return or_(
            Activity.is_public.is_(True),
            Activity.lead_organisation_id.in_(member_of),
            exists().where(
                activity_partners.c.activity_id == Activity.id,
                activity_partners.c.organisation_id.in_(member_of),
            ),
        )
    return Activity.is_public.is_(True)


def activities_query(
    *,
    viewer: Any = None,
    ambition_id: int | None = None,
    goal_id: int | None = None,
    ward_id: int | None = None,
    organisation_id: int | None = None,
    period: tuple[date, date] | None = None,
    public_only: bool = False,
    include_suspended: bool = False,
) -> Select:
    """Activities `viewer` may see, filtered; newest first. One select, ready to paginate.

    Activities led by a suspended (or pending) organisation are left out, except on that
    organisation's own page (`include_suspended`).
    """
    statement = select(Activity)
    if not include_suspended:
        statement = statement.where(Activity.lead_organisation_id.in_(counted_organisations()))
    clause = Activity.is_public.is_(True) if public_only else visibility_clause(viewer)
    if clause is not None:
        statement = statement.where(clause)
    if goal_id:
        statement = statement.where(
            exists().where(
                activity_goals.c.activity_id == Activity.id, activity_goals.c.goal_id == goal_id
            )
        )
    if ambition_id:
        statement = statement.where(
            exists().where(
                activity_goals.c.activity_id == Activity.id,
                activity_goals.c.goal_id == Goal.id,
                Goal.ambition_id == ambition_id,
            )
        )
    if ward_id:
        # A citywide activity reaches every ward, so it belongs in every ward's list.
        statement = statement.where(
            or_(
                Activity.citywide.is_(True),
                exists().where(
                    activity_wards.c.activity_id == Activity.id,
                    activity_wards.c.ward_id == ward_id,
                ),
            )
        )
    if organisation_id:
        statement = statement.where(
            or_(
                Activity.lead_organisation_id == organisation_id,
                exists().where(
                    activity_partners.c.activity_id == Activity.id,
                    activity_partners.c.organisation_id == organisation_id,
                ),
            )
        )
    if period:
        start, end = period
        statement = statement.where(Activity.start_date <= end, Activity.end_date >= start)
    return _with_list_details(statement.order_by(Activity.start_date.desc(), Activity.id.desc()))


def get_activity(activity_id: int) -> Activity | None:
    return db.session.scalar(_with_list_details(select(Activity).where(Activity.id == activity_id)))


def partner_candidates(lead_organisation_id: int) -> list[Organisation]:
    """Approved organisations that could be partners (everyone but the lead)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.status == STATUS_APPROVED, Organisation.id != lead_organisation_id)
            .order_by(Organisation.name)
        )
    )


def _apply(activity: Activity, values: rules.ActivityValues) -> None:
    activity.title = values.title
    activity.description = values.description
    activity.start_date = values.start_date
    activity.end_date = values.end_date
    activity.citywide = values.citywide
    activity.people_reached = values.people_reached
    activity.volunteer_hours = values.volunteer_hours
    activity.spend = values.spend
    activity.outcomes = values.outcomes
    activity.is_public = values.is_public
    activity.goals = list(db.session.scalars(select(Goal).where(Goal.id.in_(values.goal_ids))))
    activity.wards = (
        []
        if values.citywide
        else list(db.session.scalars(select(Ward).where(Ward.id.in_(values.ward_ids))))
    )
    activity.partners = list(
        db.session.scalars(
            select(Organisation).where(
                Organisation.id.in_(values.partner_ids),
                Organisation.id != activity.lead_organisation_id,
            )
        )
    )


def create_activity(
    lead: Organisation, values: rules.ActivityValues, user: User | None
) -> Activity:
    """Record a new activity led by `lead`."""
    activity = Activity(lead_organisation_id=lead.id, created_by_id=user.id if user else None)
    db.session.add(activity)
    _apply(activity, values)
    db.session.flush()
    record(
        "activity.created",
        activity,
        summary=f"Recorded the activity ‘{activity.title}’",
        organisation_id=lead.id,
    )
    return activity


# What an activity edit can change, kept old and new in the audit log (its figures feed totals).
AUDITED_FIELDS = (
    "title",
    "description",
    "start_date",
    "end_date",
    "citywide",
    "wards",
    "goals",
    "partners",
    "people_reached",
    "volunteer_hours",
    "spend",
    "outcomes",
    "is_public",
)


def update_activity(
    activity: Activity, values: rules.ActivityValues, version: int | None = None
) -> Activity:
    """Save changes to an activity; the audit entry keeps old and new values.

    Refused with `EditConflict` if someone saved it since `version` was rendered."""
    check_version(activity, version)
    before = values_of(activity, AUDITED_FIELDS)
    _apply(activity, values)
    activity.updated_at = utcnow()
    db.session.flush()
    record(
        "activity.updated",
        activity,
        summary=f"Updated the activity ‘{activity.title}’",
        organisation_id=activity.lead_organisation_id,
        changes=changes_since(before, activity),
    )
    return activity


def delete_activity(activity: Activity) -> None:
    """Remove an activity and its tags."""
    record(
        "activity.deleted",
        activity,
        summary=f"Deleted the activity ‘{activity.title}’",
        organisation_id=activity.lead_organisation_id,
    )
    activity.partners = []
    activity.goals = []
    activity.wards = []
    db.session.flush()
    db.session.delete(activity)
    db.session.flush()


def import_lookups(lead_organisation_id: int) -> csv_import.Lookups:
    """Reference data for checking CSV rows, as plain values (four queries)."""
    goals = {
        goal.code.upper(): rules.GoalInfo(goal.id, goal.code, goal.title, goal.ambition_id)
        for goal in db.session.scalars(select(Goal))
    }
    ambitions = list(db.session.scalars(select(Ambition)))
    wards: dict[str, int] = {}
    for ward_id, name, ons_code in db.session.execute(select(Ward.id, Ward.name, Ward.ons_code)):
        wards[name.lower()] = ward_id
        wards[ons_code.lower()] = ward_id
    organisations = {
        name.lower(): organisation_id
        for organisation_id, name in db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.status == STATUS_APPROVED)
        )
    }
    return csv_import.Lookups(
        goals_by_code=goals,
        ambition_ids_by_code={a.code.upper(): a.id for a in ambitions},
        ambition_names={a.id: a.name for a in ambitions},
        ward_ids_by_key=wards,
        organisation_ids_by_name=organisations,
        lead_organisation_id=lead_organisation_id,
    )


def start_import(
    organisation: Organisation, user: User | None, filename: str, text: str, total_rows: int
) -> ActivityImport:
    """Keep the file and queue the job that checks and applies it after the commit."""
    entry: ActivityImport = start_csv_import(
        ACTIVITY_IMPORTS,
        text,
        total_rows,
        organisation_id=organisation.id,
        created_by_id=user.id if user else None,
        filename=filename,
    )
    return entry


def apply_import(activity_import: ActivityImport, rows: list[rules.ActivityValues]) -> int:
    """Insert every checked row in bulk (a handful of statements for any number of rows)."""
    now = utcnow()
    lead_id = activity_import.organisation_id
    ids: list[int] = []
    batch = 1000
    for offset in range(0, len(rows), batch):
        chunk = rows[offset : offset + batch]
        ids += db.session.scalars(
            insert(Activity).returning(Activity.id, sort_by_parameter_order=True),
            [
                {
                    "lead_organisation_id": lead_id,
                    "title": values.title,
                    "description": values.description,
                    "citywide": values.citywide,
                    "start_date": values.start_date,
                    "end_date": values.end_date,
                    "people_reached": values.people_reached,
                    "volunteer_hours": values.volunteer_hours,
                    "spend": values.spend,
                    "outcomes": values.outcomes,
                    "is_public": values.is_public,
                    "import_id": activity_import.id,
                    "created_by_id": activity_import.created_by_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for values in chunk
            ],
        ).all()
    goal_rows, ward_rows, partner_rows = [], [], []
    for activity_id, values in zip(ids, rows, strict=True):
        goal_rows += [{"activity_id": activity_id, "goal_id": g} for g in values.goal_ids]
        ward_rows += [{"activity_id": activity_id, "ward_id": w} for w in values.ward_ids]
        partner_rows += [
            {"activity_id": activity_id, "organisation_id": o} for o in values.partner_ids
        ]
    for table, table_rows in (
        (activity_goals, goal_rows),
        (activity_wards, ward_rows),
        (activity_partners, partner_rows),
    ):
        if table_rows:
            db.session.execute(insert(table), table_rows)
    record(
        "activity.imported",
        activity_import,
        summary=f"Imported {len(ids):,} activities from {activity_import.filename or 'a CSV file'}",
        organisation_id=lead_id,
        user_id=activity_import.created_by_id,
    )
    db.session.flush()
    return len(ids)


def recent_imports(organisation_id: int, limit: int = 5) -> list[ActivityImport]:
    return list(
        db.session.scalars(
            select(ActivityImport)
            .where(ActivityImport.organisation_id == organisation_id)
            .order_by(ActivityImport.created_at.desc(), ActivityImport.id.desc())
            .limit(limit)
        )
    )


def lead_activity_or_none(org_id: int, activity_id: int) -> Activity | None:
    activity = get_activity(activity_id)
    if activity is None or activity.lead_organisation_id != org_id:
        return None
    return activity


def public_activities_of(organisation_id: int, limit: int = 10) -> list[Activity]:
    return list(
        db.session.scalars(
            activities_query(organisation_id=organisation_id, public_only=True).limit(limit)
        ).unique()
    )


ACTIVITY_IMPORTS = register(
    ImportKind(
        name="activities",
        model=ActivityImport,
        spec=csv_import.SPEC,
        context=lambda entry: import_lookups(entry.organisation_id),
        apply=apply_import,
    )
)
