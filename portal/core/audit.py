"""The audit trail: one call records who changed what, inside the caller's transaction."""

from __future__ import annotations

import json
from decimal import Decimal
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
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> AuditLog:
    """Add an audit entry for `action` on `entity`; the caller's commit makes it permanent.

    `changes` maps each changed field to its (old, new) values; they are stored as text.
    """
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
        changes=changed(changes) or None,
    )
    db.session.add(entry)
    return entry


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(item) for item in value))
    return str(value)


def changed(changes: dict[str, tuple[Any, Any]] | None) -> dict[str, list[str]]:
    """The fields whose value really changed, as {field: [old, new]} in text."""
    result = {}
    for name, (old, new) in (changes or {}).items():
        before, after = _text(old), _text(new)
        if before != after:
            result[name] = [before, after]
    return result


def values_of(entity: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The current values of `fields` on `entity`, taken before an edit so the audit entry can
    keep what was there (related rows as their names)."""
    values: dict[str, Any] = {}
    for name in fields:
        value = getattr(entity, name)
        values[name] = [str(item) for item in value] if isinstance(value, list) else value
    return values


def changes_since(before: dict[str, Any], entity: Any) -> dict[str, tuple[Any, Any]]:
    """(old, new) for every field in `before`, read again from `entity` after the edit."""
    after = values_of(entity, tuple(before))
    return {name: (before[name], after[name]) for name in before}
