"""Who may enter a route, declared under the route as a sentence and recorded on the view.

Each decorator here (and `member_of_org` in orgs, `platform_admin` and `convenor_of` in accounts)
appends an `AccessRule` to `view.access`, so a test can walk `app.url_map` and fail for any
endpoint without one. Object rules (`party_to`, `can_see`, `convenor_of`) call a policy function
from the feature's `access.py`: it takes the URL arguments named in its signature, loads the
object, refuses (404 or 403) what the signed-in person may not reach, and returns the object,
which the view receives under the policy's `into` name instead of those URL arguments.

This module knows no feature: it reads only Flask and Flask-Login.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask_login import login_required

View = TypeVar("View", bound=Callable[..., Any])
# Object rules change the view's arguments (URL ids in, the loaded object out).
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

PUBLIC = "public"
SIGNED_IN = "signed_in"
MEMBER_OF_ORG = "member_of_org"
PARTY_TO = "party_to"
CAN_SEE = "can_see"
CONVENOR_OF = "convenor_of"
PLATFORM_ADMIN = "platform_admin"


@dataclass(frozen=True)
class AccessRule:
    """One declaration of who may enter a view."""

    kind: str
    sign_in: bool  # anonymous visitors are sent to sign in
    role: str | None = None  # member_of_org: the membership role needed (None: any member)
    policy: str | None = None  # object rules: the policy function's module and name
    url_args: tuple[str, ...] = ()  # URL arguments the policy reads


def rules_of(view: Callable[..., Any]) -> tuple[AccessRule, ...]:
    """The declarations on a view, outermost first (empty: undeclared)."""
    return tuple(getattr(view, "access", ()))


def declare(view: Callable[..., Any], rule: AccessRule) -> None:
    """Record `rule` on `view`, keeping what inner decorators declared."""
    view.access = (rule, *rules_of(view))  # type: ignore[attr-defined]


def public(view: View) -> View:
    """Anyone may enter, signed in or not."""
    declare(view, AccessRule(PUBLIC, sign_in=False))
    return view


def signed_in(view: View) -> View:
    """Anyone signed in may enter; anonymous visitors are sent to sign in."""
    wrapped = login_required(view)
    declare(wrapped, AccessRule(SIGNED_IN, sign_in=True))
    return wrapped


def object_rule(
    kind: str,
    policy: Callable[..., Any],
    *,
    into: str | None,
    sign_in: bool,
    check: Callable[[], None] | None = None,
) -> Decorator:
    """A decorator that runs `check` (if any), then `policy` on its URL arguments.

    The policy's result replaces those arguments as `into` (or is dropped when None).
    """
    url_args = tuple(inspect.signature(policy).parameters)
    rule = AccessRule(
        kind,
        sign_in=sign_in,
        policy=f"{policy.__module__}.{policy.__qualname__}",
        url_args=url_args,
    )

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if check is not None:
                check()
            found = policy(**{name: kwargs.pop(name) for name in url_args})
            if into is not None:
                kwargs[into] = found
            return view(*args, **kwargs)

        guarded: Callable[..., Any] = login_required(wrapped) if sign_in else wrapped
        declare(guarded, rule)
        return guarded

    return decorator


def party_to(policy: Callable[..., Any], *, into: str) -> Decorator:
    """Signed-in people the policy accepts as a party to the object (a match, an import)."""
    return object_rule(PARTY_TO, policy, into=into, sign_in=True)


def can_see(policy: Callable[..., Any], *, into: str) -> Decorator:
    """Anyone, signed in or not, whom the policy lets see the object; to others it is a 404."""
    return object_rule(CAN_SEE, policy, into=into, sign_in=False)
