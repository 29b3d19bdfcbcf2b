"""Password hashing (argon2) and the password rules every form applies."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("portal.accounts").joinpath("data", "common_passwords.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line and not line.startswith("#")
    )


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, email: str = "") -> str | None:
    """The message to show for a weak password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Your password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Your password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return "This password is too common. Choose a password that is harder to guess"
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in lowered and len(lowered) - len(local_part) < 6:
        return "Your password must not be based on your email address"
    return None
