"""Who may see an activity: the policy the activity pages declare."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from . import services
from .models import Activity


def visible_activity(activity_id: int) -> Activity:
    """Public activities for everyone; private ones, and those a suspended organisation leads,
    for the lead, the organisations named as partners and platform admins.

    Otherwise the activity is not there at all (no hint that it exists).
    """
    activity = services.get_activity(activity_id) or abort(404)
    if activity.is_public and activity.lead_organisation.can_publish:
        return activity
    if current_user.is_authenticated and (
        current_user.is_platform_admin
        or any(activity.involves(m.organisation_id) for m in current_user.memberships)
    ):
        return activity
    abort(404)
