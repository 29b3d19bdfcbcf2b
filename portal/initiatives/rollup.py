"""The roll-up rule: how contributions add up without counting anything twice.

1. An initiative's total is the sum of its current contributions (corrected rows are left
   out: only the correction counts).
2. Each organisation's figures are the headline figures of the activities it leads that have
   no contributions, plus its own current contributions to any initiative.
3. The insights snapshots (city, Ambition, ward, kind, network) follow the same rule: an
   activity with at least one current contribution (from an organisation that counts) counts
   its contributions instead of its headline people reached, volunteer hours and spend. The
   activity itself is still counted once, for its lead; each contribution is counted once,
   for the organisation that made it. Never the headline plus the contributions, and never a
   contribution once per partner.

So the lead's headline stands in for the whole activity until partners record what they did;
from then on the contributions are the record, the lead's included (it records its own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)
# Sensible maxima for one contribution (a typo guard, not a policy): a year of a large team.
MAX_HOURS = Decimal(1_000_000)
MAX_MONEY = Decimal(100_000_000)
MAX_PEOPLE = 10_000_000


@dataclass(frozen=True)
class Figures:
    """People reached, volunteer hours and money: what an activity or contribution reports."""

    people: int = 0
    hours: Decimal = ZERO
    money: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.people + other.people, self.hours + other.hours, self.money + other.money
        )

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.hours or self.money)


def total(figures: Iterable[Figures]) -> Figures:
    """The sum, Figures() for none."""
    found = Figures()
    for one in figures:
        found = found + one
    return found


def counted_for_activity(headline: Figures, contributions: list[Figures]) -> Figures:
    """What an activity adds to any total above it: its contributions if it has any, else its
    own headline figures (rule 3)."""
    return total(contributions) if contributions else headline


def organisation_total(
    led_without_contributions: Iterable[Figures], own_contributions: Iterable[Figures]
) -> Figures:
    """An organisation's figures (rule 2)."""
    return total(led_without_contributions) + total(own_contributions)
