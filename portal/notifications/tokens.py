"""The signed link in every notification email: it names a person and a kind, so the page it
opens can change that one choice without signing in.

It does not expire: an old email's link should still stop the emails. Its own salt keeps it
from being accepted as any other of the portal's signed tokens (or theirs as this).
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.models import User
from ..extensions import db
from .kinds import KIND_CODES, Kind, kind_of

CHOICE_SALT = "notification-choice"
MAX_TOKEN_LENGTH = 200  # a real token is about 60 characters


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CHOICE_SALT)


def make_choice_token(user_id: int, kind: str) -> str:
    return _serializer().dumps({"user": user_id, "kind": kind_of(kind).code})


def read_choice_token(token: str) -> tuple[User, Kind] | None:
    """The person and kind a genuine token names; None for a tampered, malformed or stale one."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("kind") not in KIND_CODES:
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account:
        return None
    return user, kind_of(data["kind"])
