"""Authorisation for organisation-scoped pages: every such view goes through these helpers.

`org_member_required` guards a route with an `org_id` URL parameter; `require_org_member` guards a
view that reaches the organisation through another object (a pledge, a listing). Platform admins
pass both. The URL-map test in tests/orgs/test_access.py fails for any `<org_id>` route that
forgets the decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, session
from flask_login import current_user, login_required

from ..accounts.models import ROLE_ADMIN, Membership
from ..extensions import db
from .models import Organisation


def is_org_member(organisation_id: int, *, role: str | None = None) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.is_platform_admin:
        return True
    membership = current_user.membership_of(organisation_id)
    if membership is None:
        return False
    return role != ROLE_ADMIN or membership.is_admin


def require_org_member(organisation_id: int, *, role: str | None = None) -> None:
    """Abort with 403 unless the signed-in user belongs to the organisation (with `role`)."""
    if not current_user.is_authenticated:
        abort(401)
    if not is_org_member(organisation_id, role=role):
        abort(403, "You need to be a member of this organisation to do that.")


def require_can_publish(organisation: Organisation) -> None:
    """Pending or suspended organisations cannot publish anything."""
    if not organisation.can_publish:
        abort(
            403,
            "Your organisation must be approved by a platform administrator before it can publish.",
        )


def org_member_required(
    role: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator: loads `org_id` into `g.org` and checks membership (or platform admin)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, org_id: int, **kwargs: Any) -> Any:
            organisation = db.session.get(Organisation, org_id)
            if organisation is None:
                abort(404)
            require_org_member(org_id, role=role)
            g.org = organisation
            g.membership = current_user.membership_of(org_id)
            return view(*args, org_id=org_id, **kwargs)

        wrapped.org_scoped = True  # type: ignore[attr-defined]
        return wrapped

    return decorator


def current_organisation() -> Organisation | None:
    """The organisation the user is acting for: the one they switched to, else their first."""
    if not current_user.is_authenticated or not current_user.memberships:
        return None
    wanted = session.get("current_org_id")
    membership: Membership | None = None
    if wanted is not None:
        membership = current_user.membership_of(int(wanted))
    membership = membership or current_user.memberships[0]
    return membership.organisation


def public_org_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Marks an `org_id` route as deliberately public (it does its own visibility check)."""
    view.public_org_page = True  # type: ignore[attr-defined]
    return view
