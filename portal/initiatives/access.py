"""Who may see an initiative, and which organisations take part in it."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..activities import services as activities
from ..activities.models import Activity


def partner_ids(activity: Activity) -> set[int]:
    """The initiative's partners: the lead and the accepted (approved) partners."""
    return {activity.lead_organisation_id, *(o.id for o in activity.partners)}


def is_initiative(activity: Activity) -> bool:
    """An activity becomes an initiative once at least one partner has accepted."""
    return bool(activity.partners)


def visible_initiative(activity_id: int) -> Activity:
    """Partners' members and platform admins see it; others only if the activity is public
    (and its lead not suspended). Anything else, or an activity with no accepted partner, is
    not there (404)."""
    activity = activities.get_activity(activity_id) or abort(404)
    if not is_initiative(activity):
        abort(404)
    if current_user.is_authenticated and (
        current_user.is_platform_admin
        or any(m.organisation_id in partner_ids(activity) for m in current_user.memberships)
    ):
        return activity
    if activity.is_public and activity.lead_organisation.can_publish:
        return activity
    abort(404)


def initiative_of_partner(org_id: int, activity_id: int) -> Activity:
    """The initiative, when the organisation in the URL (whose membership `member_of_org`
    checked) is one of its partners; otherwise 404."""
    activity = activities.get_activity(activity_id) or abort(404)
    if not is_initiative(activity) or org_id not in partner_ids(activity):
        abort(404)
    return activity
