"""Route guards for platform roles (admin, convenor)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required


def platform_admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_platform_admin:
            abort(403, "Only platform administrators can see this page.")
        return view(*args, **kwargs)

    return wrapped


def convenor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Convenors of any Ambition, and platform admins. Check the Ambition with `user.convenes`."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_platform_admin or current_user.is_convenor):
            abort(403, "Only convenors and platform administrators can see this page.")
        return view(*args, **kwargs)

    return wrapped
