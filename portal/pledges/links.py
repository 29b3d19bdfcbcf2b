"""Delivered exchanges linked to pledges (filled in once the exchange feature's model exists)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .services import Delivery


def linked_deliveries(pledge_ids: Sequence[int]) -> dict[int, list[Delivery]]:
    return {}
