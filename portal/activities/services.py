"""Queries and state changes for activities. Services add and flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Select, exists, func, insert, or_, select, union_all
from sqlalchemy.orm import defer, joinedload, lazyload, selectinload

from ..accounts.models import Membership, User
from ..core.audit import changes_since, record, values_of
from ..core.csv_import import ImportKind, register
from ..core.csv_import import start_import as start_csv_import
from ..core.locking import check_version
from ..core.models import Ambition, Goal, Ward, utcnow
from ..core.pagination import COUNT_CAP
from ..extensions import db
from ..mail.services import email_link, send_email
from ..orgs.models import REQUEST_ACCEPTED, STATUS_APPROVED, NetworkMembership, Organisation
from ..orgs.services import counted_organisations, recipients
from . import csv_import, rules, search
from .models import (
    PARTNER_ACCEPTED,
    PARTNER_PENDING,
    Activity,
    ActivityImport,
    PartnerTag,
    activity_goals,
    activity_partners,
    activity_wards,
)


def _organisation_only() -> tuple[Any, ...]:
    """An organisation as an activity shows it (name, status): not its wards or networks,
    which it would otherwise load eagerly (two more queries each time)."""
    return (lazyload(Organisation.wards), lazyload(Organisation.network_memberships))


def _with_list_details(statement: Select) -> Select:
    """Load everything a list row shows in a fixed number of queries, however many rows."""
    return statement.options(
        joinedload(Activity.lead_organisation).options(*_organisation_only()),
        selectinload(Activity.partners).options(*_organisation_only()),
        selectinload(Activity.goals).joinedload(Goal.ambition),
        selectinload(Activity.wards),
    )


def shown_publicly() -> Any:
    """Public activities whose lead is approved (a suspended lead's activities are hidden)."""
    return Activity.is_public.is_(True) & Activity.lead_organisation_id.in_(counted_organisations())


def visibility_clause(user: Any) -> Any:
    """Public activities for everyone; the rest for the lead's and partners' members."""
    if user is not None and getattr(user, "is_authenticated", False):
        if user.is_platform_admin:
            return None
        member_of = select(Membership.organisation_id).where(Membership.user_id == user.id)
        return or_(
            shown_publicly(),
            Activity.lead_organisation_id.in_(member_of),
            exists().where(
                activity_partners.c.activity_id == Activity.id,
                activity_partners.c.organisation_id.in_(member_of),
            ),
        )
    return shown_publicly()


def activities_query(
    *,
    viewer: Any = None,
    ambition_id: int | None = None,
    goal_id: int | None = None,
    ward_id: int | None = None,
    organisation_id: int | None = None,
    period: tuple[date, date] | None = None,
    started: tuple[date, date] | None = None,
    network_id: int | None = None,
    org_kind: str | None = None,
    keywords: str = "",
    public_only: bool = False,
) -> Select:
    """Activities `viewer` may see, filtered; newest first. One select, ready to paginate.

    Activities led by a suspended (or pending) organisation are left out.

    Each filter is an `id IN (ids from one indexed table)`, so PostgreSQL can start from the
    link table's index (a goal's or a ward's activities) or walk the newest-first index,
    whichever is cheaper, and a capped count stays cheap enough not to trigger its JIT.
    """
    statement = select(Activity)
    publicly = public_only or not getattr(viewer, "is_authenticated", False)
    clause = shown_publicly() if publicly else visibility_clause(viewer)
    if clause is not None:
        statement = statement.where(clause)
    if not publicly:
        # `shown_publicly` already leaves out suspended leads; a member's or an admin's view
        # does not.
        statement = statement.where(Activity.lead_organisation_id.in_(counted_organisations()))
    if goal_id:
        statement = statement.where(
            Activity.id.in_(
                select(activity_goals.c.activity_id).where(activity_goals.c.goal_id == goal_id)
            )
        )
    if ambition_id:
        statement = statement.where(
            Activity.id.in_(
                select(activity_goals.c.activity_id).where(
                    activity_goals.c.goal_id.in_(
                        select(Goal.id).where(Goal.ambition_id == ambition_id)
                    )
                )
            )
        )
    if ward_id:
        # A citywide activity reaches every ward, so it belongs in every ward's list. (An OR,
        # not a UNION of ids: PostgreSQL then walks the newest-first index for a page, checking
        # each row against the ward's ids hashed from ix_activity_wards_ward_activity.)
        statement = statement.where(
            or_(
                Activity.citywide.is_(True),
                Activity.id.in_(
                    select(activity_wards.c.activity_id).where(activity_wards.c.ward_id == ward_id)
                ),
            )
        )
    if organisation_id:
        statement = statement.where(Activity.id.in_(_ids_of_organisation(organisation_id)))
    if period:
        start, end = period
        statement = statement.where(Activity.start_date <= end, Activity.end_date >= start)
    if started:
        # The insights figures date an activity by its start: their drill-down filters so.
        statement = statement.where(Activity.start_date.between(*started))
    # Network and kind are the lead organisation's, as the insights figures count them.
    if network_id:
        statement = statement.where(
            Activity.lead_organisation_id.in_(
                select(NetworkMembership.organisation_id).where(
                    NetworkMembership.network_id == network_id,
                    NetworkMembership.status == REQUEST_ACCEPTED,
                )
            )
        )
    if org_kind:
        statement = statement.where(
            Activity.lead_organisation_id.in_(
                select(Organisation.id).where(Organisation.kind == org_kind)
            )
        )
    if keywords:
        matching = search.matching_ids(keywords, db.session.get_bind().dialect.name)
        if matching is not None:
            statement = statement.where(Activity.id.in_(matching))
    return _with_list_details(statement.order_by(Activity.start_date.desc(), Activity.id.desc()))


def _ids_of_organisation(organisation_id: int) -> CompoundSelect:
    """Ids of the activities the organisation leads or is an accepted partner in (a pending tag
    is not its activity yet): two index lookups."""
    led = Activity.__table__.alias("led_activities")
    return union_all(
        select(led.c.id).where(led.c.lead_organisation_id == organisation_id),
        select(activity_partners.c.activity_id).where(
            activity_partners.c.organisation_id == organisation_id,
            activity_partners.c.status == PARTNER_ACCEPTED,
        ),
    )


def organisation_activities_query(organisation_id: int) -> Select:
    """Every activity the organisation leads or is a partner in, public or private, newest
    first: its own page, which only its members and platform admins reach (they may see them
    all, and a suspended organisation's members still see its work)."""
    return _with_list_details(
        select(Activity)
        .where(Activity.id.in_(_ids_of_organisation(organisation_id)))
        .order_by(Activity.start_date.desc(), Activity.id.desc())
    )


# How many organisations a name that matches several lists, for the person to choose from.
ORGANISATION_SUGGESTIONS = 10


@dataclass(frozen=True)
class OrganisationLookup:
    """What a name typed into the list's organisation filter refers to: one approved
    organisation (`id`, `name`), or a `problem` to show at the field, with the organisations
    that match when there are several."""

    id: int | None = None
    name: str = ""
    problem: str = ""
    suggestions: tuple[tuple[int, str], ...] = ()
    more_suggestions: bool = False


def find_organisation(typed: str) -> OrganisationLookup:
    """The approved organisation `typed` names: its id (as links pass it), its exact name (any
    case), or the only name containing it. One query, two for an id that is not one."""
    typed = typed.strip()[:200]
    approved = Organisation.status == STATUS_APPROVED
    if typed.isdigit() and len(typed) <= 9:
        name = db.session.scalar(
            select(Organisation.name).where(approved, Organisation.id == int(typed))
        )
        if name is not None:
            return OrganisationLookup(int(typed), name)
    exact = func.lower(Organisation.name) == typed.lower()
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, exact.label("exact"))
        .where(approved, Organisation.name.ilike(f"%{search.escape_like(typed)}%", escape="\\"))
        .order_by(exact.desc(), Organisation.name, Organisation.id)
        .limit(ORGANISATION_SUGGESTIONS + 1)
    ).all()
    if rows and (rows[0].exact or len(rows) == 1):
        return OrganisationLookup(rows[0].id, rows[0].name)
    if not rows:
        return OrganisationLookup(
            problem=f"No organisation’s name contains ‘{typed}’: check the spelling, "
            "or type part of the name"
        )
    return OrganisationLookup(
        problem=f"More than one organisation’s name contains ‘{typed}’: choose one below, "
        "or type more of the name",
        suggestions=tuple((row.id, row.name) for row in rows[:ORGANISATION_SUGGESTIONS]),
        more_suggestions=len(rows) > ORGANISATION_SUGGESTIONS,
    )


def get_activity(activity_id: int) -> Activity | None:
    """An activity with what its page shows, partner tags too (who may see and edit it)."""
    return db.session.scalar(
        _with_list_details(select(Activity).where(Activity.id == activity_id)).options(
            selectinload(Activity.partner_tags)
            .joinedload(PartnerTag.organisation)
            .options(*_organisation_only())
        )
    )


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
    _set_partner_tags(activity, values.partner_ids)


def _set_partner_tags(activity: Activity, partner_ids: list[int]) -> None:
    """Keep the tags still named (accepted ones stay accepted), add new ones as pending requests
    and drop the rest; `_ask_new_partners` then tells the newly named organisations."""
    wanted = set(
        db.session.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(partner_ids),
                Organisation.id != activity.lead_organisation_id,
                Organisation.status == STATUS_APPROVED,
            )
        )
    )
    # A suspended partner is not on the form, so its tag stays for when it is reinstated.
    kept = [
        tag
        for tag in activity.partner_tags
        if tag.organisation_id in wanted or not tag.organisation.can_publish
    ]
    have = {tag.organisation_id for tag in kept}
    added = [PartnerTag(organisation_id=o) for o in sorted(wanted - have)]
    activity.partner_tags = kept + added


def _ask_new_partners(activity: Activity, before: set[int], user_id: int | None) -> None:
    """Each organisation newly named as a partner has a request to answer."""
    for tag in activity.partner_tags:
        if tag.organisation_id not in before:
            ask_partner(activity.lead_organisation, tag.organisation_id, [activity], user_id)


def ask_partner(
    lead: Organisation, organisation_id: int, activities: list[Any], user_id: int | None
) -> None:
    """Audit and email a request to `organisation_id` to accept being named on `activities`
    (one activity from the form, or every row of a CSV import that names it)."""
    partner = db.session.get(Organisation, organisation_id)
    if partner is None:
        return
    titles = ", ".join(f"‘{a.title}’" for a in activities[:3])
    more = f" and {len(activities) - 3:,} more" if len(activities) > 3 else ""
    record(
        "activity.partner_requested",
        activities[0] if len(activities) == 1 else None,
        summary=f"{lead.name} named {partner.name} as a partner on {titles}{more} "
        "(waiting for them to accept)",
        organisation_id=organisation_id,
        user_id=user_id,
        details={"lead_organisation_id": lead.id, "activity_ids": [a.id for a in activities]},
    )
    link = email_link("activities.organisation_activities", org_id=organisation_id)
    for person in recipients(organisation_id, or_everyone=True):
        send_email(
            person.email,
            f"{lead.name} names {partner.name} as a partner: please accept or decline",
            "activities/emails/partner_request.txt",
            activities=activities,
            lead=lead,
            partner=partner,
            link=link,
        )


PARTNER_ACTIONS = {
    # action: (status it needs, past tense for messages and the audit action)
    "accept": (PARTNER_PENDING, "accepted"),
    "decline": (PARTNER_PENDING, "declined"),
    "remove": (PARTNER_ACCEPTED, "removed"),
}


@dataclass(frozen=True)
class _Named:
    """An imported activity as a partner request names it (no need to load the row)."""

    id: int
    title: str


class PartnerTagError(Exception):
    """The tag is not in a state that allows the action; the message is for the person."""


def partner_tag_of(organisation_id: int, activity_id: int) -> PartnerTag | None:
    return db.session.get(PartnerTag, (activity_id, organisation_id))


def decide_partner_tag(tag: PartnerTag, action: str, user: User) -> str:
    """The named organisation accepts or declines a request, or removes an accepted tag.

    Declined and removed tags are deleted: the activity no longer names the organisation.
    Returns the past tense of the action."""
    needed, done = PARTNER_ACTIONS[action]
    if tag.status != needed:
        raise PartnerTagError(
            "This request has already been answered."
            if needed == PARTNER_PENDING
            else "Your organisation has not accepted this tag yet: accept or decline it."
        )
    activity, partner = tag.activity, tag.organisation
    record(
        f"activity.partner_{done}",
        activity,
        summary=f"{partner.name} {done} being named as a partner on ‘{activity.title}’",
        organisation_id=partner.id,
        details={"lead_organisation_id": activity.lead_organisation_id},
    )
    if action == "accept":
        tag.status = PARTNER_ACCEPTED
        tag.decided_at = utcnow()
        tag.decided_by_id = user.id
    else:
        activity.partner_tags.remove(tag)
    db.session.flush()
    db.session.expire(activity, ["partners"])
    return done


# The organisation's page lists this many of its partner requests and tags (newest first),
# with a count of the rest: a busy partner may be named on hundreds of activities.
PARTNER_TAGS_SHOWN = 20


@dataclass(frozen=True)
class PartnerTagList:
    tags: list[PartnerTag]
    total: int  # counted to at most COUNT_CAP + 1
    capped: bool

    @property
    def more(self) -> bool:
        return self.total > len(self.tags)


def partner_tags_of(
    organisation_id: int, status: str, limit: int = PARTNER_TAGS_SHOWN
) -> PartnerTagList:
    """The newest `limit` tags naming the organisation with `status` (its activities page),
    and how many there are in all (capped like the lists' counts)."""
    where = (PartnerTag.organisation_id == organisation_id, PartnerTag.status == status)
    tags = list(
        db.session.scalars(
            select(PartnerTag)
            .join(Activity, Activity.id == PartnerTag.activity_id)
            .where(*where)
            .options(
                lazyload(PartnerTag.organisation),
                selectinload(PartnerTag.activity)
                .joinedload(Activity.lead_organisation)
                .options(*_organisation_only()),
            )
            .order_by(Activity.start_date.desc(), Activity.id.desc())
            .limit(limit)
        )
    )
    if len(tags) < limit:
        return PartnerTagList(tags, len(tags), capped=False)
    first = select(PartnerTag.activity_id).where(*where).limit(COUNT_CAP + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(first)) or 0
    return PartnerTagList(tags, total, capped=total > COUNT_CAP)


def create_activity(
    lead: Organisation, values: rules.ActivityValues, user: User | None
) -> Activity:
    """Record a new activity led by `lead`."""
    activity = Activity(lead_organisation_id=lead.id, created_by_id=user.id if user else None)
    activity.lead_organisation = lead
    db.session.add(activity)
    _apply(activity, values)
    db.session.flush()
    record(
        "activity.created",
        activity,
        summary=f"Recorded the activity ‘{activity.title}’",
        organisation_id=lead.id,
    )
    _ask_new_partners(activity, set(), user.id if user else None)
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
    "partner_tags",
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
    named_before = {tag.organisation_id for tag in activity.partner_tags}
    _apply(activity, values)
    activity.updated_at = utcnow()
    db.session.flush()
    db.session.expire(activity, ["partners"])
    record(
        "activity.updated",
        activity,
        summary=f"Updated the activity ‘{activity.title}’",
        organisation_id=activity.lead_organisation_id,
        changes=changes_since(before, activity),
    )
    _ask_new_partners(activity, named_before, user_id=None)
    return activity


def delete_activity(activity: Activity) -> None:
    """Remove an activity and its tags."""
    record(
        "activity.deleted",
        activity,
        summary=f"Deleted the activity ‘{activity.title}’",
        organisation_id=activity.lead_organisation_id,
    )
    activity.partner_tags = []
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
    named: dict[int, list[rules.ActivityValues]] = {}
    named_ids: dict[int, list[int]] = {}
    for activity_id, values in zip(ids, rows, strict=True):
        for organisation_id in values.partner_ids:
            named.setdefault(organisation_id, []).append(values)
            named_ids.setdefault(organisation_id, []).append(activity_id)
    for organisation_id, named_rows in named.items():
        ask_partner(
            activity_import.organisation,
            organisation_id,
            [
                _Named(activity_id, values.title)
                for activity_id, values in zip(named_ids[organisation_id], named_rows, strict=True)
            ],
            activity_import.created_by_id,
        )
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
            # Listed by name and status: not the file itself, nor the organisation again.
            .options(defer(ActivityImport.content), lazyload(ActivityImport.organisation))
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
