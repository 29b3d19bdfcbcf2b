"""Who may open an Ambition's dashboard: the policy the insights views declare."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..core.models import Ambition
from ..extensions import db


def ambition_to_convene(ambition_code: str) -> Ambition:
    """The Ambition in the URL (by code, any case), for its convenors and platform admins."""
    ambition = db.session.scalar(
        select(Ambition).where(Ambition.code == ambition_code[:16].upper())
    )
    if ambition is None:
        abort(404)
    if not current_user.convenes(ambition.id):
        abort(403, f"Only convenors of the {ambition.name} Ambition can see its dashboard.")
    return ambition
