"""Who may record scorecard values and read an import: the policies the scorecard views declare."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..extensions import db
from . import services
from .models import Indicator, IndicatorValue, ScorecardImport


def indicator_or_404(code: str) -> Indicator:
    return services.indicator_by_code(code[:60]) or abort(404)


def _require_convenes(indicator: Indicator) -> None:
    if not current_user.convenes(indicator.ambition_id):
        abort(
            403, f"Only convenors of the {indicator.ambition.name} Ambition can record its values."
        )


def indicator_to_record(code: str) -> Indicator:
    """The indicator in the URL, for convenors of its Ambition (and platform admins)."""
    indicator = indicator_or_404(code)
    _require_convenes(indicator)
    return indicator


def value_to_delete(value_id: int) -> IndicatorValue:
    """A recorded value, for convenors of its indicator's Ambition (and platform admins)."""
    entry = db.get_or_404(IndicatorValue, value_id)
    _require_convenes(entry.indicator)
    return entry


def own_import(import_id: int) -> ScorecardImport:
    """An import, for the person who started it (and platform admins)."""
    entry = db.get_or_404(ScorecardImport, import_id)
    if entry.created_by_id != current_user.id and not current_user.is_platform_admin:
        abort(404)  # someone else's import: do not reveal that it exists
    return entry
