"""People: registration, sign-in, password reset, email verification and platform roles."""

from __future__ import annotations

from ..core.features import Feature


def feature() -> Feature:
    from . import models, views

    return Feature(name="accounts", blueprints=(views.bp,), models=(models,))
