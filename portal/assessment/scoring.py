"""Pure scoring rules: dimension scores, progress, change between cycles and network benchmarks."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A benchmark is shown only when this many organisations submitted, so no single answer shows.
BENCHMARK_MINIMUM = 5


def mean_level(levels: Iterable[int | None]) -> float | None:
    """Average of the answered levels, to one decimal place; None when nothing is answered."""
    answered = [level for level in levels if level is not None]
    if not answered:
        return None
    return round(sum(answered) / len(answered), 1)


def dimension_scores(
    criteria_by_dimension: Mapping[str, Iterable[int]], levels: Mapping[int, int | None]
) -> dict[str, float | None]:
    """Score per dimension code: the mean level over its criteria (ids) that have an answer."""
    return {
        code: mean_level(levels.get(criterion_id) for criterion_id in criterion_ids)
        for code, criterion_ids in criteria_by_dimension.items()
    }


def overall_score(scores: Mapping[str, float | None]) -> float | None:
    """The mean of the dimension scores, so each dimension counts equally."""
    present = [s for s in scores.values() if s is not None]
    if not present:
        return None
    return round(sum(present) / len(present), 1)


def change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


@dataclass(frozen=True)
class Spread:
    count: int
    lower_quartile: float
    median: float
    upper_quartile: float


def spread(values: Iterable[float | None]) -> Spread | None:
    """Median and quartiles of `values`, or None below the minimum group size."""
    present = sorted(v for v in values if v is not None)
    if len(present) < BENCHMARK_MINIMUM:
        return None
    lower, middle, upper = statistics.quantiles(present, n=4, method="inclusive")
    return Spread(
        count=len(present),
        lower_quartile=round(lower, 1),
        median=round(middle, 1),
        upper_quartile=round(upper, 1),
    )


def progress(levels: Mapping[int, int | None], criterion_ids: Iterable[int]) -> tuple[int, int]:
    """(answered, total) over the framework's criteria."""
    ids = list(criterion_ids)
    return sum(1 for cid in ids if levels.get(cid) is not None), len(ids)
