"""Who may see an activity: the policy the activity pages declare."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from . import services
from .models import Activity


def visible_activity(activity_id: int) -> Activity:
    """Public activities for everyone; private ones only for the organisations involved."""
    activity = services.get_activity(activity_id)
    # A private activity is not there at all for people outside it (no hint that it exists).
    if activity is None or not services.can_view(activity, current_user):
        abort(404)
    return activity
