"""Links from an activity to the lead organisation's pledges and exchange matches."""

from __future__ import annotations

from typing import Any

from .models import Activity
from .rules import ActivityValues


def pledge_choices(lead_organisation_id: int) -> list[tuple[int, str]]:
    return []


def match_choices(lead_organisation_id: int) -> list[tuple[int, str]]:
    return []


def linked_pledge_ids(activity: Activity) -> list[int]:
    return []


def linked_match_ids(activity: Activity) -> list[int]:
    return []


def set_links(activity: Activity, values: ActivityValues) -> None:
    """Replace the activity's links with `values`' (only the lead's own pledges and matches)."""


def clear_links(activity: Activity) -> None:
    """Remove every link before the activity is deleted."""


def related_for(activity: Activity) -> dict[str, list[Any]]:
    return {"pledges": [], "matches": []}
