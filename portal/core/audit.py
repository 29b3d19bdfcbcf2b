"""The audit trail: one call records who changed what, inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from flask import has_request_context
from flask_login import current_user

from ..extensions import db
from .models import AuditLog


def record(
    action: str,
    entity: Any = None,
    *,
    summary: str = "",
    organisation_id: int | None = None,
    details: dict[str, Any] | None = None,
    user_id: int | None = None,
) -> AuditLog:
    """Add an audit entry for `action` on `entity`; the caller's commit makes it permanent."""
    if user_id is None and has_request_context() and current_user.is_authenticated:
        user_id = current_user.id
    entry = AuditLog(
        action=action,
        entity_type=type(entity).__name__ if entity is not None else "",
        entity_id=getattr(entity, "id", None),
        organisation_id=organisation_id,
        user_id=user_id,
        summary=summary[:300],
        details=json.dumps(details, default=str, sort_keys=True) if details else "",
    )
    db.session.add(entry)
    return entry
