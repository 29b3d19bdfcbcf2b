"""The roll-up rule on its own: hand-worked sums."""

from __future__ import annotations

from decimal import Decimal

from portal.initiatives import rollup
from portal.initiatives.rollup import Figures


def test_an_activity_counts_its_headline_until_someone_contributes() -> None:
    headline = Figures(100, Decimal("12.5"), Decimal("1500"))
    assert rollup.counted_for_activity(headline, []) == headline


def test_contributions_replace_the_headline_and_are_summed_once() -> None:
    headline = Figures(100, Decimal("12.5"), Decimal("1500"))
    parts = [
        Figures(20, Decimal("10"), Decimal("100.50")),
        Figures(30, Decimal("2.5"), Decimal("0.25")),
        Figures(0, Decimal("0"), Decimal("1000")),
    ]
    assert rollup.counted_for_activity(headline, parts) == Figures(
        50, Decimal("12.5"), Decimal("1100.75")
    )


def test_an_organisation_adds_its_own_contributions_to_what_it_leads() -> None:
    led = [Figures(5, Decimal(1), Decimal(10)), Figures(7, Decimal(0), Decimal(0))]
    own = [Figures(1, Decimal("0.5"), Decimal("0.01"))]
    assert rollup.organisation_total(led, own) == Figures(13, Decimal("1.5"), Decimal("10.01"))
    assert rollup.total([]) == Figures() and Figures().is_empty
