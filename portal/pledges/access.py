"""Who may see a pledge: the policy the pledge pages declare."""

from __future__ import annotations

from flask import abort

from ..extensions import db
from ..orgs.access import is_org_member
from . import services
from .models import Pledge


def visible_pledge(pledge_id: int) -> Pledge:
    """A pledge anyone may see, or one the signed-in person's organisation owns."""
    pledge = db.get_or_404(Pledge, pledge_id)
    # Private pledges, and pledges of unapproved organisations, do not exist for outsiders.
    if not services.can_view_publicly(pledge) and not is_org_member(pledge.organisation_id):
        abort(404)
    return pledge
