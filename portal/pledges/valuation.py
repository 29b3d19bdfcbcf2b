"""Social value in £: units × the proxy for the year they were delivered. Pure, no database.

A measure's proxies are versioned by year. The proxy for a year is the one set for that year or,
failing that, the latest earlier year; a year before every version uses the earliest. So adding a
2027 value changes nothing delivered in 2026.

Delivered £ values each delivery at the proxy for the year its period ended. Promised £ values the
units promised at the proxy for the pledge's start year: what the promise was worth when made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def proxy_for_year(versions: Sequence[tuple[int, Decimal]], year: int) -> Decimal:
    """The proxy in force in `year` from (year, value) versions; 0 when there are none."""
    if not versions:
        return Decimal(0)
    ordered = sorted(versions)
    chosen = ordered[0][1]
    for version_year, value in ordered:
        if version_year <= year:
            chosen = value
        else:
            break
    return Decimal(chosen)


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass
class ProxyBook:
    """Every measure's proxy versions, loaded once per page."""

    versions: dict[int, list[tuple[int, Decimal]]] = field(default_factory=dict)

    def value(self, measure_id: int, year: int) -> Decimal:
        return proxy_for_year(self.versions.get(measure_id, []), year)

    def delivered_value(
        self, measure_id: int, deliveries: Iterable[tuple[date, Decimal]]
    ) -> Decimal:
        """£ for deliveries given as (period end, units)."""
        return money(
            sum(
                (Decimal(units) * self.value(measure_id, on.year) for on, units in deliveries),
                Decimal(0),
            )
        )

    def promised_value(self, measure_id: int, units: Decimal, start: date) -> Decimal:
        return money(Decimal(units) * self.value(measure_id, start.year))
