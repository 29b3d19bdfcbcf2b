"""Optimistic locking and idempotent creates, shared by every feature that people edit together.

A record people edit together takes `VersionedMixin`: a `version` column that SQLAlchemy checks
and moves on in every UPDATE (`version_id_col`), so a save that races another fails with
`StaleDataError` instead of overwriting it. Its edit form takes `VersionedForm`, which carries the
version the page was rendered with in a hidden field; the service calls `check_version` before
changing anything. Either way the person gets one conflict page (HTTP 409) showing the latest
saved values beside what they typed, never a silent overwrite and never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, g, has_request_context, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import Integer, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field, IntegerField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..extensions import db
from .audit import _text
from .models import AuditLog

T = TypeVar("T")

CONFLICT_MESSAGE = (
    "Someone else saved this while you were editing it. Your changes have not been saved."
)
# Form fields that are plumbing, not something the person typed.
_NOT_SHOWN = {"csrf_token", "version", "submit"}


class VersionedMixin:
    """A `version` counter SQLAlchemy checks in every UPDATE (existing rows start at 1)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class EditConflict(Exception):
    """Someone saved `entity` after this person loaded it; their edit was not applied."""

    def __init__(self, entity: Any) -> None:
        super().__init__(CONFLICT_MESSAGE)
        self.entity = entity


class VersionedForm(FlaskForm):
    """An edit form carrying the version it was rendered from, in a hidden field.

    The form of the current request is remembered so the conflict page can show what was typed.
    """

    version = IntegerField(
        widget=HiddenInput(),
        validators=[Optional(), NumberRange(min=0, max=2**31 - 1, message=CONFLICT_MESSAGE)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_request_context():
            g.versioned_form = self
            g.versioned_entity = kwargs.get("obj")


def check_version(entity: Any, submitted: int | None) -> None:
    """Refuse an edit started from an older version; else make sure the save moves it on.

    `submitted` is None only for a client that sent no version (not a browser using our forms):
    the UPDATE's own version check still stops it overwriting a save that races it.
    """
    current = entity.version  # also loads the row if it was expired
    if submitted is not None and submitted != current:
        raise EditConflict(entity)
    # A change to related rows only (wards, goals) issues no UPDATE, so the version would stay.
    mapper = inspect(entity).mapper
    column = next(
        attr.key
        for attr in mapper.column_attrs
        if not attr.columns[0].primary_key and attr.key != "version"
    )
    flag_modified(entity, column)


def create_once(add: Callable[[], T], existing: Callable[[], T | None]) -> tuple[T, bool]:
    """Run `add` (which adds and flushes a row with a unique key) in a SAVEPOINT; if a
    simultaneous request inserted the same key first, return its row instead (`existing`).

    Returns (row, whether this call created it). Two presses of "Start" or "Add" then give one
    row and both land on it, never a 500.
    """
    try:
        with db.session.begin_nested():
            return add(), True
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found, False


def _shown(field: Field, value: Any) -> str:
    """A value as the person would read it: choice labels rather than ids or codes."""
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        values = value if isinstance(value, (list, tuple, set)) else [value]
        keys = [str(getattr(v, "id", v)) for v in values if v not in (None, "")]
        if all(key in labels for key in keys):
            return ", ".join(str(labels[key]) for key in keys)
    if isinstance(value, list):
        return _text([str(item) for item in value])
    return _text(value)


def conflict_rows(form: FlaskForm | None, entity: Any) -> list[dict[str, str]]:
    """One row per field the person could edit: its label, the latest saved value, what they
    typed (only fields the record itself holds show a saved value)."""
    if form is None:
        return []
    rows = []
    for field in form:
        if field.name in _NOT_SHOWN or isinstance(field.widget, HiddenInput):
            continue
        saved = getattr(entity, field.name, None) if hasattr(entity, field.name) else None
        rows.append(
            {
                "label": str(field.label.text),
                "saved": _shown(field, saved) if hasattr(entity, field.name) else "",
                "typed": _shown(field, field.data),
            }
        )
    return rows


def last_saved(entity: Any) -> AuditLog | None:
    """The latest audit entry about `entity`: who saved it and when."""
    return db.session.scalar(
        select(AuditLog)
        .where(AuditLog.entity_type == type(entity).__name__, AuditLog.entity_id == entity.id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(1)
    )


def render_conflict(entity: Any) -> tuple[str, int]:
    db.session.rollback()
    if entity is not None:
        db.session.refresh(entity)
    form = g.get("versioned_form")
    return render_template(
        "conflict.html",
        entity=entity,
        rows=conflict_rows(form, entity) if entity is not None else [],
        saved=last_saved(entity) if entity is not None else None,
        edit_again=request.path,
    ), 409


def register(app: Flask) -> None:
    @app.errorhandler(EditConflict)
    def edit_conflict(error: EditConflict):
        return render_conflict(error.entity)

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError):
        # The UPDATE found the version moved on between our check and our save: a lost race.
        return render_conflict(g.get("versioned_entity"))
