"""Loads the shipped reference data (Ambitions, goals, wards) into the database, idempotently."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import yaml
from sqlalchemy import select

from ..extensions import db
from .models import Ambition, Goal, Ward


def _data_text(name: str) -> str:
    return resources.files("portal.core").joinpath("data", name).read_text(encoding="utf-8")


@cache
def load_ambitions_data() -> dict:
    """The shipped ambitions.yaml, parsed once per process: it changes only with a release (an
    admin's corrections live in the database), and the home page shows its mission."""
    return yaml.safe_load(_data_text("ambitions.yaml"))


def mission_statement() -> str:
    return load_ambitions_data()["mission"]


def load_ward_rows() -> list[dict[str, str]]:
    lines = [line for line in _data_text("wards.csv").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def seed_reference_data() -> None:
    """Insert missing Ambitions, goals and wards; never overwrite what an admin corrected."""
    ambitions = {a.code: a for a in db.session.scalars(select(Ambition))}
    goals = {g.code: g for g in db.session.scalars(select(Goal))}
    for position, item in enumerate(load_ambitions_data()["ambitions"], start=1):
        ambition = ambitions.get(item["code"])
        if ambition is None:
            ambition = Ambition(code=item["code"])
            db.session.add(ambition)
        ambition.name = item["name"]
        ambition.strapline = item["strapline"]
        ambition.convenor_body = item["convenor_body"]
        ambition.position = position
        db.session.flush()
        for goal_position, title in enumerate(item["goals"], start=1):
            code = f"{item['code']}-{goal_position}"
            goal = goals.get(code)
            if goal is None:
                goal = Goal(code=code, ambition_id=ambition.id)
                db.session.add(goal)
            goal.title = title
            goal.position = goal_position
    existing_wards = set(db.session.scalars(select(Ward.name)))
    for row in load_ward_rows():
        if row["name"] not in existing_wards:
            db.session.add(
                Ward(
                    name=row["name"],
                    ons_code=row["ons_code"],
                    code_source=row["code_source"],
                    later_code=row["later_code"] or None,
                )
            )
    db.session.flush()


def all_ambitions() -> list[Ambition]:
    return list(db.session.scalars(select(Ambition).order_by(Ambition.position)))


def all_wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def all_goals() -> list[Goal]:
    return list(
        db.session.scalars(
            select(Goal).join(Goal.ambition).order_by(Ambition.position, Goal.position)
        )
    )
