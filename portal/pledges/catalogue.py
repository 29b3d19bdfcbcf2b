"""Loads the shipped charter principles and measure catalogue into the database, idempotently."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select

from ..core.models import Goal
from ..extensions import db
from .models import DIRECTION_INCREASE, CharterPrinciple, ProxyValue, SocialValueMeasure


def _data(name: str) -> Any:
    text = resources.files("portal.pledges").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_principles_data() -> list[dict[str, str]]:
    return _data("principles.yaml")


def load_measures_data() -> dict[str, Any]:
    return _data("measures.yaml")


def load_catalogue() -> dict[str, int]:
    """Insert or refresh principles and measures from the data files; add missing proxy years.

    Proxy values already in the database are never overwritten: an administrator may have
    corrected them. Returns how many rows were added, for the CLI to report.
    """
    added = {"principles": 0, "measures": 0, "proxies": 0}
    principles = {p.code: p for p in db.session.scalars(select(CharterPrinciple))}
    for position, item in enumerate(load_principles_data(), start=1):
        principle = principles.get(item["code"])
        if principle is None:
            principle = principles[item["code"]] = CharterPrinciple(code=item["code"])
            db.session.add(principle)
            added["principles"] += 1
        principle.name = item["name"]
        principle.description = item["description"]
        principle.position = position

    data = load_measures_data()
    units = data["units"]
    goals = {g.code: g for g in db.session.scalars(select(Goal))}
    measures = {m.code: m for m in db.session.scalars(select(SocialValueMeasure))}
    for position, item in enumerate(data["measures"], start=1):
        measure = measures.get(item["code"])
        if measure is None:
            measure = SocialValueMeasure(code=item["code"])
            db.session.add(measure)
            added["measures"] += 1
        unit = units[item["unit"]]
        measure.name = item["name"]
        measure.theme = item["theme"]
        measure.unit = item["unit"]
        measure.unit_label = unit["label"]
        measure.whole_number = bool(unit["whole"])
        measure.direction = item.get("direction", DIRECTION_INCREASE)
        measure.counting_rule = item["counting_rule"]
        measure.position = position
        measure.principles = [principles[code] for code in item["principles"]]
        measure.goals = [goals[code] for code in item["goals"] if code in goals]
        db.session.flush()
        known_years = {p.year for p in measure.proxies}
        for proxy in item["proxies"]:
            if proxy["year"] in known_years:
                continue
            measure.proxies.append(
                ProxyValue(
                    year=proxy["year"],
                    value=Decimal(str(proxy["value"])),
                    source=proxy["source"],
                    method=proxy.get("method", ""),
                )
            )
            added["proxies"] += 1
    db.session.flush()
    return added


def ensure_catalogue() -> bool:
    """Load the catalogue if it has never been loaded (a fresh install); True when it did."""
    if db.session.scalar(select(SocialValueMeasure.id).limit(1)) is not None:
        return False
    load_catalogue()
    return True
