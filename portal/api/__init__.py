"""The open data API: read-only public records and figures under /api/v1/, with its OpenAPI
document and documentation page."""

from __future__ import annotations

from ..core.features import Feature


def feature() -> Feature:
    from . import views

    return Feature(name="api", blueprints=(views.bp,))
