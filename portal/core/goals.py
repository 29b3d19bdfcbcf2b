"""Goal tagging: Ambitions are chosen, and every goal chosen must belong to one of them.

One rule for every feature that tags a record with goals (pledges, activities), so the same
choice gets the same answer and the same message everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GoalInfo:
    """What the tagging rule needs to know about a goal."""

    id: int
    code: str
    title: str
    ambition_id: int


def stray_goal_message(goal: GoalInfo, ambition_names: Mapping[int, str]) -> str:
    name = ambition_names.get(goal.ambition_id, "another")
    return (
        f"The goal ‘{goal.title}’ belongs to the {name} Ambition: "
        "choose that Ambition too, or remove the goal"
    )


def stray_goals(
    chosen_ambition_ids: Iterable[int],
    goals: Sequence[GoalInfo],
    ambition_names: Mapping[int, str],
) -> list[str]:
    """A message for each goal outside the chosen Ambitions (none when all belong)."""
    chosen = set(chosen_ambition_ids)
    return [
        stray_goal_message(goal, ambition_names) for goal in goals if goal.ambition_id not in chosen
    ]
