"""Working groups: creating them, joining (ask, then a lead accepts or declines), leaving,
leads, updates with attachments, resources and actions, and who may see what. Views call
these; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Select, exists, false, or_, select, true
from sqlalchemy.orm import selectinload

from ..accounts.models import ROLE_ADMIN, Membership, User
from ..core import audit
from ..core.models import utcnow
from ..core.uploads import FileStore, UploadError, check_upload
from ..extensions import db
from ..mail.services import email_link, send_email
from ..notifications.kinds import GROUP_UPDATES
from ..notifications.services import notify
from ..orgs.models import STATUS_APPROVED, Organisation
from .models import (
    DECLINED,
    LEFT,
    MEMBER,
    NOT_STARTED,
    OPEN,
    REQUESTED,
    GroupAction,
    GroupFile,
    GroupLead,
    GroupMembership,
    GroupResource,
    GroupUpdate,
    WorkingGroup,
)

MAX_SEARCH = 100


class GroupError(Exception):
    """Why a change to a group cannot happen, in words for the page."""


# ---------------------------------------------------------------- who may see what


def viewer_organisation_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in user.memberships}


def member_organisation_ids(group_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(GroupMembership.organisation_id).where(
                GroupMembership.group_id == group_id, GroupMembership.status == MEMBER
            )
        )
    )


def _member_clause(user: Any) -> Any:
    """Groups the viewer may see: open ones, and members-only ones their organisation is in.
    Platform admins see every group; anonymous visitors see none."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.is_platform_admin:
        return true()
    mine = viewer_organisation_ids(user)
    return or_(
        WorkingGroup.visibility == OPEN,
        exists().where(
            GroupMembership.group_id == WorkingGroup.id,
            GroupMembership.status == MEMBER,
            GroupMembership.organisation_id.in_(mine or {-1}),
        ),
    )


def visible_groups_query(user: Any, q: str = "") -> Select[Any]:
    """The groups `user` may see, by name; `q` matches the name, purpose or an update."""
    query = select(WorkingGroup).where(_member_clause(user))
    words = (q or "").strip()[:MAX_SEARCH]
    if words:
        pattern = f"%{_escaped(words)}%"
        query = query.where(
            or_(
                WorkingGroup.name.ilike(pattern, escape="\\"),
                WorkingGroup.purpose.ilike(pattern, escape="\\"),
                exists().where(
                    GroupUpdate.group_id == WorkingGroup.id,
                    GroupUpdate.body.ilike(pattern, escape="\\"),
                ),
            )
        )
    return query.options(selectinload(WorkingGroup.ambitions)).order_by(
        WorkingGroup.name, WorkingGroup.id
    )


def matching_updates(user: Any, q: str, limit: int = 20) -> list[GroupUpdate]:
    """Updates whose text matches `q`, in groups `user` may see, newest first."""
    words = (q or "").strip()[:MAX_SEARCH]
    if not words:
        return []
    return list(
        db.session.scalars(
            select(GroupUpdate)
            .join(WorkingGroup, WorkingGroup.id == GroupUpdate.group_id)
            .where(_member_clause(user), GroupUpdate.body.ilike(f"%{_escaped(words)}%", "\\"))
            .options(selectinload(GroupUpdate.group))
            .order_by(GroupUpdate.posted_at.desc(), GroupUpdate.id.desc())
            .limit(limit)
        )
    )


def _escaped(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def can_see(group: WorkingGroup, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if group.visibility == OPEN or user.is_platform_admin:
        return True
    return is_member(group, user)


def is_member(group: WorkingGroup, user: Any) -> bool:
    """The user belongs to a member organisation of the group."""
    return bool(viewer_organisation_ids(user) & member_organisation_ids(group.id))


def is_lead(group: WorkingGroup, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.get(
        GroupLead, {"group_id": group.id, "user_id": user.id}
    ) is not None and is_member(group, user)


def open_groups_query(q: str = "") -> Select[Any]:
    """Open groups, as the API publishes them (members-only groups are never listed); `q`
    matches the name or purpose only, so no update text is searched through the API."""
    query = select(WorkingGroup).where(WorkingGroup.visibility == OPEN)
    words = (q or "").strip()[:MAX_SEARCH]
    if words:
        pattern = f"%{_escaped(words)}%"
        query = query.where(
            or_(
                WorkingGroup.name.ilike(pattern, escape="\\"),
                WorkingGroup.purpose.ilike(pattern, escape="\\"),
            )
        )
    return query.options(
        selectinload(WorkingGroup.ambitions), selectinload(WorkingGroup.dimensions)
    ).order_by(WorkingGroup.name, WorkingGroup.id)


def open_group_members(group_ids: list[int]) -> dict[int, list[Organisation]]:
    """Approved member organisations of each group, in one query."""
    found: dict[int, list[Organisation]] = {}
    if not group_ids:
        return found
    rows = db.session.execute(
        select(GroupMembership.group_id, Organisation)
        .join(Organisation, Organisation.id == GroupMembership.organisation_id)
        .where(
            GroupMembership.group_id.in_(group_ids),
            GroupMembership.status == MEMBER,
            Organisation.status == STATUS_APPROVED,
        )
        .order_by(Organisation.name, Organisation.id)
    )
    for group_id, organisation in rows:
        found.setdefault(group_id, []).append(organisation)
    return found


def groups_of_organisation(organisation_id: int) -> list[WorkingGroup]:
    return list(
        db.session.scalars(
            select(WorkingGroup)
            .join(GroupMembership, GroupMembership.group_id == WorkingGroup.id)
            .where(
                GroupMembership.organisation_id == organisation_id,
                GroupMembership.status == MEMBER,
            )
            .order_by(WorkingGroup.name)
        )
    )


def members_of(group: WorkingGroup, status: str = MEMBER) -> list[GroupMembership]:
    return list(
        db.session.scalars(
            select(GroupMembership)
            .where(GroupMembership.group_id == group.id, GroupMembership.status == status)
            .options(selectinload(GroupMembership.organisation))
            .order_by(GroupMembership.requested_at, GroupMembership.id)
        )
    )


def member_organisations(group: WorkingGroup) -> list[Organisation]:
    return [m.organisation for m in members_of(group)]


def leads_of(group: WorkingGroup) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(GroupLead, GroupLead.user_id == User.id)
            .where(GroupLead.group_id == group.id)
            .order_by(User.name, User.id)
        )
    )


def member_people(group: WorkingGroup) -> list[User]:
    """Everyone in a member organisation, once each."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(
                GroupMembership,
                GroupMembership.organisation_id == Membership.organisation_id,
            )
            .where(GroupMembership.group_id == group.id, GroupMembership.status == MEMBER)
            .order_by(User.name, User.id)
            .distinct()
        )
    )


def membership_of(group: WorkingGroup, organisation_id: int) -> GroupMembership | None:
    return db.session.scalar(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id,
            GroupMembership.organisation_id == organisation_id,
        )
    )


# ---------------------------------------------------------------- creating and joining


def create_group(
    *,
    name: str,
    purpose: str,
    visibility: str,
    organisation: Organisation,
    creator: User,
    ambitions: Iterable[Any] = (),
    dimensions: Iterable[Any] = (),
) -> WorkingGroup:
    """A new group: the creator's organisation is its first member and the creator a lead
    (a platform admin outside the organisation makes its admins the leads)."""
    group = WorkingGroup(
        name=name,
        purpose=purpose,
        visibility=visibility,
        created_by_id=creator.id,
        ambitions=list(ambitions),
        dimensions=list(dimensions),
    )
    db.session.add(group)
    db.session.flush()
    now = utcnow()
    db.session.add(
        GroupMembership(
            group_id=group.id,
            organisation_id=organisation.id,
            status=MEMBER,
            requested_by_id=creator.id,
            requested_at=now,
            decided_by_id=creator.id,
            decided_at=now,
        )
    )
    if creator.membership_of(organisation.id) is not None:
        leads = [creator.id]
    else:
        leads = [m.user_id for m in organisation_admins(organisation.id)]
    for user_id in leads:
        db.session.add(GroupLead(group_id=group.id, user_id=user_id))
    audit.record(
        "group.created",
        group,
        summary=f"Created the working group {name}",
        organisation_id=organisation.id,
        user_id=creator.id,
    )
    db.session.flush()
    return group


def organisation_admins(organisation_id: int) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation_id, Membership.role == ROLE_ADMIN)
            .options(selectinload(Membership.user))
            .order_by(Membership.id)
        )
    )


def request_to_join(group: WorkingGroup, organisation: Organisation, user: User) -> GroupMembership:
    """Ask for the organisation to join; asking again after declining or leaving is allowed."""
    if not organisation.is_approved:
        raise GroupError("Your organisation must be approved before it can join a group.")
    found = membership_of(group, organisation.id)
    if found is not None and found.status == MEMBER:
        raise GroupError(f"{organisation.name} is already a member of this group.")
    if found is not None and found.status == REQUESTED:
        raise GroupError(f"{organisation.name} has already asked to join.")
    now, user_id = utcnow(), user.id
    if found is None:
        found = GroupMembership(
            group_id=group.id, organisation_id=organisation.id, status=REQUESTED
        )
        db.session.add(found)
    found.status, found.requested_by_id, found.requested_at = REQUESTED, user_id, now
    found.decided_by_id = found.decided_at = None
    db.session.flush()
    return found


def decide_request(request: GroupMembership, *, accept: bool, lead: User) -> GroupMembership:
    """Accept or decline a request and email the requesting organisation's admins."""
    if request.status != REQUESTED:
        raise GroupError("This request has already been answered.")
    request.status = MEMBER if accept else DECLINED
    request.decided_by_id, request.decided_at = lead.id, utcnow()
    group = request.group
    verb = "Accepted" if accept else "Declined"
    audit.record(
        "group.request_accepted" if accept else "group.request_declined",
        group,
        summary=f"{verb} {request.organisation.name} in {group.name}",
        organisation_id=request.organisation_id,
        user_id=lead.id,
        changes={"status": (REQUESTED, request.status)},
    )
    _tell_admins(group, request.organisation, accepted=accept)
    db.session.flush()
    return request


def add_member(group: WorkingGroup, organisation: Organisation, lead: User) -> GroupMembership:
    """A lead adds an organisation directly (the way into a members-only group, which no
    one outside can see to ask); its admins are emailed as for an accepted request."""
    if not organisation.is_approved:
        raise GroupError("Only approved organisations can be added.")
    found = membership_of(group, organisation.id)
    if found is not None and found.status == MEMBER:
        raise GroupError(f"{organisation.name} is already a member of this group.")
    now, lead_id = utcnow(), lead.id
    if found is None:
        found = GroupMembership(group_id=group.id, organisation_id=organisation.id, status=MEMBER)
        db.session.add(found)
    found.status, found.requested_by_id, found.requested_at = MEMBER, lead_id, now
    found.decided_by_id, found.decided_at = lead_id, now
    audit.record(
        "group.member_added",
        group,
        summary=f"Added {organisation.name} to {group.name}",
        organisation_id=organisation.id,
        user_id=lead_id,
    )
    db.session.flush()
    _tell_admins(group, organisation, accepted=True, added=True)
    return found


def _tell_admins(
    group: WorkingGroup, organisation: Organisation, *, accepted: bool, added: bool = False
) -> None:
    """Email the organisation's admins that it is in the group now (or was declined)."""
    if added:
        subject = f"{organisation.name} is now a member of {group.name}"
    else:
        subject = f"{group.name}: your request to join was {'accepted' if accepted else 'declined'}"
    for admin in organisation_admins(organisation.id):
        send_email(
            admin.user.email,
            subject,
            "groups/emails/decided.txt",
            user=admin.user,
            group=group,
            organisation=organisation,
            accepted=accepted,
            group_url=email_link("groups.detail", group_id=group.id),
        )


def addable_organisations(group: WorkingGroup) -> list[Organisation]:
    """Approved organisations not yet members, by name, for a lead to add."""
    members = select(GroupMembership.organisation_id).where(
        GroupMembership.group_id == group.id, GroupMembership.status == MEMBER
    )
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.status == STATUS_APPROVED, Organisation.id.not_in(members))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def leave(group: WorkingGroup, organisation_id: int) -> None:
    """The organisation leaves; its people stop being leads. The last lead cannot leave."""
    found = membership_of(group, organisation_id)
    if found is None or found.status != MEMBER:
        raise GroupError("Your organisation is not a member of this group.")
    people = set(
        db.session.scalars(
            select(Membership.user_id).where(Membership.organisation_id == organisation_id)
        )
    )
    leads = {lead.id for lead in leads_of(group)}
    if leads and leads <= people:
        raise GroupError(
            "Your organisation's people are the group's only leads: make someone from "
            "another member organisation a lead first."
        )
    found.status, found.decided_at = LEFT, utcnow()
    audit.record(
        "group.left",
        group,
        summary=f"{found.organisation.name} left {group.name}",
        organisation_id=organisation_id,
        changes={"status": (MEMBER, LEFT)},
    )
    for lead_id in leads & people:
        db.session.delete(db.session.get(GroupLead, {"group_id": group.id, "user_id": lead_id}))
    db.session.flush()


def add_lead(group: WorkingGroup, user: User) -> None:
    if not is_member(group, user):
        raise GroupError("Leads must belong to a member organisation.")
    if db.session.get(GroupLead, {"group_id": group.id, "user_id": user.id}) is not None:
        raise GroupError(f"{user.name} is already a lead.")
    db.session.add(GroupLead(group_id=group.id, user_id=user.id))
    audit.record("group.lead_added", group, summary=f"{user.name} leads {group.name}")
    db.session.flush()


def remove_lead(group: WorkingGroup, user_id: int) -> None:
    found = db.session.get(GroupLead, {"group_id": group.id, "user_id": user_id})
    if found is None:
        raise GroupError("That person is not a lead.")
    if len(leads_of(group)) <= 1:
        raise GroupError("A group needs at least one lead: add another lead first.")
    db.session.delete(found)
    audit.record(
        "group.lead_removed",
        group,
        summary=f"A lead of {group.name} stepped down",
        details={"user_id": user_id},
    )
    db.session.flush()


# ---------------------------------------------------------------- files


FILES = FileStore("groups")


def stored_path(stored_name: str) -> Path | None:
    try:
        return FILES.path(stored_name)
    except UploadError:
        return None


def add_file(group: WorkingGroup, filename: str, content: bytes, user: User) -> GroupFile:
    """Check the upload's type and size (UploadError says why not), store it, record it."""
    content_type = check_upload(filename, content, current_app.config["MAX_UPLOAD_BYTES"])
    name = FILES.store(content)
    stored = GroupFile(
        group_id=group.id,
        original_name=Path(filename).name[:255] or "file",
        stored_name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by_id=user.id,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


# ---------------------------------------------------------------- updates, resources, actions


def post_update(
    group: WorkingGroup, author: User, body: str, file: GroupFile | None = None
) -> GroupUpdate:
    """Post to the group and email the people of its member organisations."""
    update = GroupUpdate(group_id=group.id, author_id=author.id, body=body, file=file)
    db.session.add(update)
    db.session.flush()
    _email_members(update)
    return update


def _email_members(update: GroupUpdate) -> int:
    """The one place group updates are emailed: to the people of member organisations only
    (never the author), each as they chose for group updates (now, in the weekly digest, or
    not at all). Returns how many people it reached."""
    group = update.group
    sent = 0
    url = email_link("groups.detail", group_id=group.id)
    for person in member_people(group):
        if person.id == update.author_id:
            continue
        notify(
            person,
            GROUP_UPDATES,
            f"New update in {group.name}",
            "groups/emails/update.txt",
            user=person,
            group=group,
            update=update,
            group_url=url,
        )
        sent += 1
    return sent


def add_resource(
    group: WorkingGroup, user: User, title: str, url: str = "", file: GroupFile | None = None
) -> GroupResource:
    if not url and file is None:
        raise GroupError("Add a link or a file.")
    resource = GroupResource(
        group_id=group.id, title=title, url=url, file=file, added_by_id=user.id
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def add_action(
    group: WorkingGroup,
    user: User,
    *,
    title: str,
    owner_organisation_id: int,
    due_on: date,
    status: str = NOT_STARTED,
) -> GroupAction:
    if owner_organisation_id not in member_organisation_ids(group.id):
        raise GroupError("The owner must be a member organisation of the group.")
    action = GroupAction(
        group_id=group.id,
        title=title,
        owner_organisation_id=owner_organisation_id,
        due_on=due_on,
        status=status,
        created_by_id=user.id,
    )
    db.session.add(action)
    db.session.flush()
    return action


def update_action(
    action: GroupAction, *, title: str, owner_organisation_id: int, due_on: date, status: str
) -> None:
    if owner_organisation_id not in member_organisation_ids(action.group_id):
        raise GroupError("The owner must be a member organisation of the group.")
    wanted = {
        "title": title,
        "owner_organisation_id": owner_organisation_id,
        "due_on": due_on,
        "status": status,
    }
    # The audit log keeps each field's old value: an action's history is never lost.
    changes = {
        name: (getattr(action, name), value)
        for name, value in wanted.items()
        if getattr(action, name) != value
    }
    for name, (_, value) in changes.items():
        setattr(action, name, value)
    if changes:
        audit.record(
            "group.action_changed",
            action,
            summary=f"Changed the action {action.title}",
            organisation_id=action.owner_organisation_id,
            changes=changes,
        )
    db.session.flush()


def actions_of(group: WorkingGroup) -> list[GroupAction]:
    return list(
        db.session.scalars(
            select(GroupAction)
            .where(GroupAction.group_id == group.id)
            .options(selectinload(GroupAction.owner))
            .order_by(GroupAction.due_on, GroupAction.id)
        )
    )


def updates_query(group: WorkingGroup) -> Select[Any]:
    return (
        select(GroupUpdate)
        .where(GroupUpdate.group_id == group.id)
        .options(selectinload(GroupUpdate.author), selectinload(GroupUpdate.file))
        .order_by(GroupUpdate.posted_at.desc(), GroupUpdate.id.desc())
    )


def resources_of(group: WorkingGroup) -> list[GroupResource]:
    return list(
        db.session.scalars(
            select(GroupResource)
            .where(GroupResource.group_id == group.id)
            .options(selectinload(GroupResource.file))
            .order_by(GroupResource.title, GroupResource.id)
        )
    )


ACTIONS_HEADER = ("Action", "Owner organisation", "Due date", "Status")


def action_rows(group: WorkingGroup) -> list[tuple[str, str, str, str]]:
    return [
        (a.title, a.owner.name, a.due_on.isoformat(), a.status_label) for a in actions_of(group)
    ]
