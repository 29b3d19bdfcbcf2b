"""Ward deprivation deciles and breakdowns by them (pure functions, no database).

Background (English Indices of Deprivation): IoD2019 ranks 32,844 LSOAs in England and IoD2025
ranks 33,755 (2021 geography); decile 1 is the most deprived 10%. Under IMD2019 Leeds had 482
LSOAs, 114 of them (24%) in the most deprived 10% nationally. There is no official ward-level
index, so a ward's figure is the share of its residents living in those most deprived LSOAs,
and its decile ranks the Leeds wards against each other on that share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TypeVar

DECILES = range(1, 11)
Ward = TypeVar("Ward", bound=Hashable)  # a ward id, code or name: whatever the caller keys by


def derive_deciles(shares: Mapping[Ward, float]) -> dict[Ward, int]:
    """Decile 1 to 10 for each ward, 1 being the tenth of wards with the highest share.

    Wards are ranked by share, highest first; a ward's decile is its rank's tenth of the list.
    Wards with equal shares get the same (more deprived) decile.
    """
    count = len(shares)
    if not count:
        return {}
    ordered = sorted(shares.values(), reverse=True)
    first_rank: dict[float, int] = {}
    for rank, share in enumerate(ordered):
        first_rank.setdefault(share, rank)
    return {ward: first_rank[share] * 10 // count + 1 for ward, share in shares.items()}


def values_by_decile(
    ward_values: Mapping[Ward, float], decile_of: Mapping[Ward, int]
) -> dict[int, float]:
    """The mean of the ward values in each deprivation decile (wards without a decile are left out).

    An unweighted mean of ward figures: a rough view for when no decile values were recorded.
    """
    groups: dict[int, list[float]] = defaultdict(list)
    for ward, value in ward_values.items():
        decile = decile_of.get(ward)
        if decile is not None:
            groups[decile].append(value)
    return {decile: sum(values) / len(values) for decile, values in sorted(groups.items())}
