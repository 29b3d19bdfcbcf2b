"""Access to organisation-scoped pages: `@member_of_org(role=...)` and the membership checks.

`member_of_org` guards a route with an `org_id` URL parameter and loads the organisation into
`g.org`; platform admins pass. Routes that reach an organisation through another object (a pledge,
a listing, a match) use a policy function from their feature's `access.py` with `@party_to` or
`@can_see`; those policies call `is_org_member`. tests/test_route_access.py fails for any route
without a declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, request, session
from flask_login import current_user, login_required

from ..accounts.models import ROLE_ADMIN, Membership
from ..core.access import MEMBER_OF_ORG, AccessRule, View, declare
from ..extensions import db
from .models import STATUS_SUSPENDED, Organisation

# Safe methods only read; a route that also accepts a form post is a write route on GET too
# (its form page), so a suspended organisation is not shown a form it cannot send.
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def is_org_member(organisation_id: int, *, role: str | None = None) -> bool:
    """A member of the organisation (an admin when `role` is admin), or a platform admin."""
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


def suspended_message(organisation: Organisation) -> str:
    contact = current_app.config.get("SUPPORT_EMAIL") or "a platform administrator"
    return (
        f"Your organisation is suspended: {organisation.name}'s listings, pledges and activities "
        "are hidden from the public and nothing can be changed until it is reinstated. "
        f"To find out why, or to ask for it to be reinstated, contact {contact}."
    )


def is_write_request() -> bool:
    """A form post, or the page of a route that takes one."""
    if request.method not in READ_METHODS:
        return True
    return request.url_rule is not None and "POST" in (request.url_rule.methods or ())


def require_not_frozen(organisation: Organisation) -> None:
    """A suspended organisation's members may read their pages but change nothing (403 with
    the reason); platform administrators still may."""
    if organisation.status != STATUS_SUSPENDED or current_user.is_platform_admin:
        return
    if is_write_request():
        abort(403, suspended_message(organisation))


def member_of_org(role: str | None = None) -> Callable[[View], View]:
    """Members of the organisation in the URL (`org_id`), with `role` if given; platform admins.

    Loads the organisation into `g.org` and the membership into `g.membership`. The one place
    that freezes a suspended organisation: every write route for it is refused here.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, org_id: int, **kwargs: Any) -> Any:
            organisation = db.get_or_404(Organisation, org_id)
            require_org_member(org_id, role=role)
            require_not_frozen(organisation)
            g.org = organisation
            g.membership = current_user.membership_of(org_id)
            return view(*args, org_id=org_id, **kwargs)

        guarded = login_required(wrapped)
        declare(guarded, AccessRule(MEMBER_OF_ORG, sign_in=True, role=role, url_args=("org_id",)))
        return guarded

    return decorator


def visible_organisation(org_id: int) -> Organisation:
    """Approved organisations for everyone; pending and suspended ones only for their members."""
    organisation = db.get_or_404(Organisation, org_id)
    if not organisation.is_approved and not is_org_member(org_id):
        abort(404)
    return organisation


def suspended_organisation() -> Organisation | None:
    """The organisation the signed-in person acts for, when it is suspended (for the banner)."""
    organisation = current_organisation()
    if organisation is not None and organisation.status == STATUS_SUSPENDED:
        return organisation
    return None


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
