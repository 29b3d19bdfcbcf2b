"""Who may reach a group's pages. A members-only group is a 404 to everyone outside it (not a
403: its existence is not told); lead pages refuse other members with 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from ..core.access import CAN_SEE, Decorator, object_rule
from ..extensions import db
from ..orgs.access import is_write_request
from ..orgs.models import STATUS_SUSPENDED
from . import services
from .models import GroupAction, GroupFile, GroupMembership, WorkingGroup


def signed_in_and_can_see(policy: Callable[..., Any], *, into: str) -> Decorator:
    """Signed-in people the policy lets see the group's object; others get a 404. Groups are
    for people in the network: an anonymous visitor is sent to sign in, never told more."""
    return object_rule(CAN_SEE, policy, into=into, sign_in=True)


def visible_group(group_id: int) -> WorkingGroup:
    group = db.get_or_404(WorkingGroup, group_id)
    if not services.can_see(group, current_user):
        abort(404)
    return group


def member_group(group_id: int) -> WorkingGroup:
    """People of member organisations (and platform admins) may post and add; a suspended
    organisation's people may read but change nothing, as everywhere in the portal."""
    group = visible_group(group_id)
    if current_user.is_platform_admin:
        return group
    if not services.is_member(group, current_user):
        abort(403, "Only people in the group's member organisations can do that.")
    if is_write_request():
        active = {
            m.organisation_id
            for m in current_user.memberships
            if m.organisation.status != STATUS_SUSPENDED
        }
        if not active & services.member_organisation_ids(group.id):
            abort(
                403,
                "Your organisation is suspended: nothing can be changed until it is reinstated.",
            )
    return group


def lead_group(group_id: int) -> WorkingGroup:
    group = visible_group(group_id)
    if not (current_user.is_platform_admin or services.is_lead(group, current_user)):
        abort(403, "Only the group's leads can do that.")
    return group


def group_request(group_id: int, request_id: int) -> GroupMembership:
    group = lead_group(group_id)
    found = db.session.get(GroupMembership, request_id)
    if found is None or found.group_id != group.id:
        abort(404)
    return found


def group_file(group_id: int, file_id: int) -> GroupFile:
    group = visible_group(group_id)
    found = db.session.get(GroupFile, file_id)
    if found is None or found.group_id != group.id:
        abort(404)
    return found


def group_action(group_id: int, action_id: int) -> GroupAction:
    group = member_group(group_id)
    found = db.session.get(GroupAction, action_id)
    if found is None or found.group_id != group.id:
        abort(404)
    return found
