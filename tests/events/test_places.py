"""The pure rules for places: who gets a place, who waits, how many a free place promotes."""

from __future__ import annotations

import pytest

from portal.events.models import CONFIRMED, WAITING
from portal.events.places import Places, how_many_to_promote, status_for_new_signup


def test_a_place_while_one_is_left_then_the_waiting_list() -> None:
    assert status_for_new_signup(Places(capacity=2, confirmed=1, waiting=0)) == CONFIRMED
    assert status_for_new_signup(Places(capacity=2, confirmed=2, waiting=0)) == WAITING


@pytest.mark.parametrize(
    ("places", "promoted"),
    [
        (Places(capacity=3, confirmed=2, waiting=5), 1),
        (Places(capacity=5, confirmed=2, waiting=1), 1),
        (Places(capacity=2, confirmed=2, waiting=4), 0),
        (Places(capacity=1, confirmed=3, waiting=2), 0),  # capacity cut below the confirmed
    ],
)
def test_free_places_promote_at_most_the_people_waiting(places: Places, promoted: int) -> None:
    assert how_many_to_promote(places) == promoted


@pytest.mark.parametrize(
    ("places", "label"),
    [
        (Places(capacity=5, confirmed=2, waiting=0), "3 places left"),
        (Places(capacity=3, confirmed=2, waiting=0), "1 place left"),
        (Places(capacity=3, confirmed=3, waiting=0), "Full: join the waiting list"),
        (Places(capacity=3, confirmed=3, waiting=1), "Full: 1 person waiting"),
        (Places(capacity=3, confirmed=3, waiting=2), "Full: 2 people waiting"),
    ],
)
def test_the_label_counts_in_words(places: Places, label: str) -> None:
    assert places.label() == label
