"""The ways an indicator's values can be broken down, and the categories within each."""

from __future__ import annotations

from collections.abc import Iterable

CITYWIDE = "citywide"

BREAKDOWN_LABELS = {
    CITYWIDE: "Citywide",
    "ward": "Ward",
    "deprivation_decile": "Deprivation decile",
    "ethnicity": "Ethnicity",
    "fsm": "Free school meal status",
    "age_group": "Age group",
    "sex": "Sex",
}

# Ethnic groups: the five high-level groups of the 2021 Census for England and Wales.
FIXED_CATEGORIES = {
    "deprivation_decile": [str(decile) for decile in range(1, 11)],
    "ethnicity": ["Asian", "Black", "Mixed", "White", "Other"],
    "fsm": ["Eligible for free school meals", "Not eligible for free school meals"],
    "age_group": [
        "0 to 15",
        "16 to 24",
        "25 to 34",
        "35 to 49",
        "50 to 64",
        "65 and over",
    ],
    "sex": ["Female", "Male"],
}


def categories_for(breakdown: str, ward_names: Iterable[str] = ()) -> list[str]:
    """The categories a value may have under `breakdown` (ward names come from the database)."""
    if breakdown == CITYWIDE:
        return [""]
    if breakdown == "ward":
        return sorted(ward_names)
    return list(FIXED_CATEGORIES.get(breakdown, []))


def category_label(breakdown: str, category: str) -> str:
    if breakdown == CITYWIDE:
        return "Leeds"
    if breakdown == "deprivation_decile":
        suffix = (
            " (most deprived)"
            if category == "1"
            else " (least deprived)"
            if category == "10"
            else ""
        )
        return f"Decile {category}{suffix}"
    return category


def match_category(breakdown: str, text: str, ward_names: Iterable[str] = ()) -> str | None:
    """The canonical category for `text` (case and spacing forgiven), or None if it is not one."""
    wanted = " ".join((text or "").split()).casefold()
    for category in categories_for(breakdown, ward_names):
        if category.casefold() == wanted:
            return category
    return None
