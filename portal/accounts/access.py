"""Route decorators for platform roles: `@platform_admin` and `@convenor_of(...)`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from ..core.access import (
    CONVENOR_OF,
    PLATFORM_ADMIN,
    AccessRule,
    Decorator,
    View,
    declare,
    object_rule,
)


def platform_admin(view: View) -> View:
    """Only platform administrators; anyone else signed in gets a 403."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_platform_admin:
            abort(403, "Only platform administrators can see this page.")
        return view(*args, **kwargs)

    guarded = login_required(wrapped)
    declare(guarded, AccessRule(PLATFORM_ADMIN, sign_in=True))
    return guarded


def any_ambition() -> None:
    """No object to load: `_require_any_convenor` has checked the person convenes at least one."""


def _require_any_convenor() -> None:
    if not (current_user.is_platform_admin or current_user.is_convenor):
        abort(403, "Only convenors and platform administrators can see this page.")


def convenor_of(policy: Callable[..., Any] | None = None, *, into: str | None = None) -> Decorator:
    """Convenors of the Ambition the policy finds from the URL (and platform admins).

    Without a policy: convenors of any Ambition; the view narrows to `user.convenor_ambitions`.
    """
    if policy is None:
        return object_rule(
            CONVENOR_OF, any_ambition, into=None, sign_in=True, check=_require_any_convenor
        )
    return object_rule(CONVENOR_OF, policy, into=into, sign_in=True)
