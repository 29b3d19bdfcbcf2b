"""A submitted assessment and its action plan as the sheets of an Excel workbook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.export import Sheet
from .models import LEVELS, Action, Assessment

if TYPE_CHECKING:
    from .services import Results


def assessment_sheets(
    assessment: Assessment, results: Results, actions: dict[int, Action]
) -> list[Sheet]:
    """Three sheets: summary by dimension, every answer, and the action plan."""
    framework = assessment.framework
    summary = [
        ["Organisation", assessment.organisation.name],
        ["Year", assessment.year],
        ["Framework", f"{framework.title} (version {framework.version})"],
        [
            "Submitted",
            assessment.submitted_at.strftime("%d %B %Y") if assessment.submitted_at else "",
        ],
        ["Overall score (1 to 4)", results.overall],
        [],
        ["Dimension", "Score", "Target", "Previous cycle", "Change", "Network median"],
    ]
    for row in results.rows:
        summary.append(
            [
                row.dimension.title,
                row.score,
                row.target,
                row.previous,
                row.change,
                row.benchmark.median if row.benchmark else None,
            ]
        )
    sheets = [Sheet("Summary", ["Item", "Value"], summary)]
    answers = assessment.answers_by_criterion()
    answer_rows = []
    for dimension in framework.dimensions:
        for criterion in dimension.criteria:
            answer = answers.get(criterion.id)
            level = answer.level if answer else None
            target = answer.target_level if answer else None
            answer_rows.append(
                [
                    dimension.title,
                    criterion.code,
                    criterion.title,
                    level,
                    LEVELS.get(level or 0, ""),
                    target,
                    LEVELS.get(target or 0, ""),
                    answer.evidence if answer else "",
                    "\n".join(answer.link_list) if answer else "",
                ]
            )
    sheets.append(
        Sheet(
            "Answers",
            [
                "Dimension",
                "Code",
                "Criterion",
                "Level now",
                "Level name",
                "Target level",
                "Target name",
                "Evidence",
                "Links",
            ],
            answer_rows,
        )
    )
    plan_rows = []
    for criterion, answer in results.gaps:
        action = actions.get(criterion.id)
        next_level = (answer.level or 0) + 1
        plan_rows.append(
            [
                criterion.code,
                criterion.title,
                answer.level,
                answer.target_level,
                criterion.descriptor(next_level),
                action.description if action else "",
                action.owner if action else "",
                action.due_date if action else None,
                action.status_label if action else "No action yet",
            ]
        )
    sheets.append(
        Sheet(
            "Action plan",
            [
                "Code",
                "Criterion",
                "Level now",
                "Target level",
                "Next level looks like",
                "Action",
                "Owner",
                "Due",
                "Status",
            ],
            plan_rows,
        )
    )
    return sheets
