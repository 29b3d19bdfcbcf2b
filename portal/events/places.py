"""Pure rules for places at an event: no database, so they are tested on their own."""

from __future__ import annotations

from dataclasses import dataclass

from .models import CONFIRMED, WAITING


@dataclass(frozen=True)
class Places:
    capacity: int
    confirmed: int
    waiting: int

    @property
    def left(self) -> int:
        return max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        return self.left == 0

    def label(self) -> str:
        """'3 places left', '1 place left', or 'Full: 2 people waiting'."""
        if not self.full:
            return f"{self.left} place{'' if self.left == 1 else 's'} left"
        if not self.waiting:
            return "Full: join the waiting list"
        people = "person" if self.waiting == 1 else "people"
        return f"Full: {self.waiting} {people} waiting"


def status_for_new_signup(places: Places) -> str:
    """A place while one is left, otherwise the end of the waiting list."""
    return WAITING if places.full else CONFIRMED


def how_many_to_promote(places: Places) -> int:
    """After a cancellation or a larger capacity: the free places the waiting list can fill."""
    return min(places.left, places.waiting)
