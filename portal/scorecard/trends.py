"""Whether an indicator's latest change is in the direction that is good."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .periods import Period

BETTER = "better"
WORSE = "worse"
NO_CHANGE = "no_change"
NOT_ENOUGH_DATA = "not_enough_data"

TREND_LABELS = {
    BETTER: ("Improving", "green"),
    WORSE: ("Getting worse", "red"),
    NO_CHANGE: ("No change", "grey"),
    NOT_ENOUGH_DATA: ("Not enough data", "grey"),
}
# Values are stored as floats: differences smaller than this are rounding, not change.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Change:
    status: str
    latest: tuple[Period, float] | None = None
    previous: tuple[Period, float] | None = None

    @property
    def difference(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest[1] - self.previous[1]

    @property
    def label(self) -> str:
        return TREND_LABELS[self.status][0]

    @property
    def colour(self) -> str:
        return TREND_LABELS[self.status][1]

    @property
    def skipped_periods(self) -> bool:
        """True when the two values compared are not consecutive periods (a gap between them)."""
        if self.latest is None or self.previous is None:
            return False
        return self.previous[0].next() != self.latest[0]


def latest_change(points: Iterable[tuple[Period, float | None]], direction: str) -> Change:
    """Compare the two most recent recorded values; `direction` is the good one (up or down).

    Periods without a value (None or NaN) are skipped, so a missing latest period compares the
    last two values that exist. The points need not be in order.
    """
    recorded = sorted(
        (period, float(value))
        for period, value in points
        if value is not None and not math.isnan(float(value))
    )
    if len(recorded) < 2:
        return Change(NOT_ENOUGH_DATA, latest=recorded[-1] if recorded else None)
    previous, latest = recorded[-2], recorded[-1]
    difference = latest[1] - previous[1]
    if abs(difference) <= TOLERANCE * max(1.0, abs(previous[1])):
        status = NO_CHANGE
    elif (difference > 0) == (direction == "up"):
        status = BETTER
    else:
        status = WORSE
    return Change(status, latest=latest, previous=previous)
