"""The area rule: a record (activity, pledge, listing, organisation) is citywide or for wards.

One pure rule, one model mixin; `core.forms.AreaFields` applies the rule to a form's fields.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import Boolean
from sqlalchemy.orm import Mapped, mapped_column

if TYPE_CHECKING:
    from .models import Ward

BOTH_MESSAGE = "Choose wards or citywide, not both"
CITYWIDE_LABEL = "Citywide"
NO_WARDS_LABEL = "No wards given"


def area_problem(citywide: bool, ward_ids: Collection[object], *, missing: str) -> str | None:
    """Why a citywide flag and a set of wards are not a valid area, or None when they are.

    Ticking citywide and wards is refused rather than silently dropping the wards, so that what
    the person chose is what is saved.
    """
    if citywide and ward_ids:
        return BOTH_MESSAGE
    if not citywide and not ward_ids:
        return missing
    return None


def area_label(citywide: bool, ward_names: Collection[str]) -> str:
    """How an area reads on a page or in an export."""
    if citywide:
        return CITYWIDE_LABEL
    return ", ".join(ward_names) or NO_WARDS_LABEL


class AreaMixin:
    """A `citywide` flag; the model adds its own `wards` relationship (its own link table)."""

    citywide: Mapped[bool] = mapped_column(Boolean, default=False)

    if TYPE_CHECKING:
        wards: Mapped[list[Ward]]

    @property
    def area_label(self) -> str:
        return area_label(self.citywide, [ward.name for ward in self.wards])
