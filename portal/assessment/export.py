"""A submitted assessment and its action plan as an Excel workbook (openpyxl)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import LEVELS, Action, Assessment

if TYPE_CHECKING:
    from .services import Results


def _safe(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    for column in sheet.columns:
        width = min(60, max(len(str(c.value or "")) for c in column) + 2)
        sheet.column_dimensions[column[0].column_letter].width = width
        for cell in column:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def assessment_workbook(
    assessment: Assessment, results: Results, actions: dict[int, Action]
) -> io.BytesIO:
    """Three sheets: summary by dimension, every answer, and the action plan."""
    workbook = Workbook()
    workbook.remove(workbook.active)
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
    _sheet(workbook, "Summary", ["Item", "Value"], summary)
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
    _sheet(
        workbook,
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
    _sheet(
        workbook,
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer
