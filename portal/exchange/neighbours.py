"""The ward adjacency shipped in data/ward_neighbours.csv (approximate; see the file's notes)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from .matching import symmetric_neighbours


@cache
def ward_neighbours() -> dict[str, frozenset[str]]:
    """Ward name -> names of the wards that border it."""
    text = (
        resources.files("portal.exchange")
        .joinpath("data", "ward_neighbours.csv")
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return symmetric_neighbours((row["ward"], row["neighbour"]) for row in rows)
