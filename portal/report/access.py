"""Who may read a year's report and who may write an Ambition's narrative."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..core.models import Ambition
from ..extensions import db
from . import services
from .models import StateOfCityReport


@dataclass(frozen=True)
class YearReport:
    year: int
    report: StateOfCityReport | None  # None: staff opening a year nothing was generated for
    preview: bool  # an unpublished version shown to a convenor or platform admin


def may_preview() -> bool:
    return current_user.is_authenticated and (
        current_user.is_platform_admin or current_user.is_convenor
    )


def report_to_read(year: int) -> YearReport:
    """The published report of `year` for anyone; convenors and platform admins also see the
    newest unpublished version. To everyone else an unpublished year is a 404."""
    published = services.published_version(year)
    if may_preview():
        newest = services.latest(year)
        if newest is not None and newest.content and not newest.is_public:
            return YearReport(year, newest, preview=True)
        return YearReport(year, published or newest, preview=published is None)
    if published is None:
        abort(404)
    return YearReport(year, published, preview=False)


@dataclass(frozen=True)
class AmbitionYear:
    year: int
    ambition: Ambition


def ambition_to_narrate(year: int, code: str) -> AmbitionYear:
    """The Ambition in the URL, for its convenors (platform admins too); others get a 403."""
    ambition = db.session.scalar(select(Ambition).where(Ambition.code == code[:16].upper()))
    if ambition is None or not 2000 <= year <= 2100:
        abort(404)
    if not current_user.convenes(ambition.id):
        abort(403, f"Only convenors of the {ambition.name} Ambition can write its narrative.")
    return AmbitionYear(year, ambition)
