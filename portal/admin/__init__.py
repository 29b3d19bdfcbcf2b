"""Platform administration: approvals, network requests, people, wards and the audit log."""

from __future__ import annotations

from ..core.features import Feature


def feature() -> Feature:
    from . import views

    return Feature(name="admin", blueprints=(views.bp,))
