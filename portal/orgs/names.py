"""How two registrations of one body are recognised: names and registry numbers, normalised."""

from __future__ import annotations

import re

# Words that make two registrations of one body look different ("Gipton Food Share Ltd").
_NAME_NOISE = {"the", "ltd", "limited", "plc", "cic", "llp", "cio", "and", "co", "uk"}


def normalised_name(name: str) -> str:
    """Lower case, letters and digits only, without legal-form words: for spotting duplicates."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and "))
    return " ".join(w for w in words if w not in _NAME_NOISE)


def normalised_number(number: str | None) -> str:
    return re.sub(r"[^A-Z0-9]", "", (number or "").upper())
