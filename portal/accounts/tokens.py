"""Signed tokens for email verification and password reset, random tokens for invitations.

A reset token carries a fingerprint of the current password hash: once the password changes,
every earlier token stops working, so each token can be used only once.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .models import User

RESET_SALT = "password-reset"
VERIFY_SALT = "email-verify"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"user": user.id, "pw": _fingerprint(user)})


def user_for_reset_token(token: str, load_user) -> User | None:
    """The user a valid, unexpired, unused reset token belongs to; None otherwise."""
    try:
        data = _serializer(RESET_SALT).loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    user = load_user(data.get("user"))
    if user is None or data.get("pw") != _fingerprint(user):
        return None
    return user


def make_verify_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps({"user": user.id, "email": user.email})


def user_id_for_verify_token(token: str) -> tuple[int, str] | None:
    try:
        data = _serializer(VERIFY_SALT).loads(
            token, max_age=current_app.config["EMAIL_VERIFY_MAX_AGE"]
        )
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or "user" not in data:
        return None
    return data["user"], data.get("email", "")


def new_invitation_token() -> tuple[str, str]:
    """A random token for the email link, and its hash for the database."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
