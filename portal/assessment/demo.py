"""Demo self-assessments: two submitted years for most anchors, a few drafts, and action plans."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..demo.people import demo_organisations
from ..extensions import db
from ..orgs.models import KIND_BUSINESS_ANCHOR, KIND_COMMUNITY_ANCHOR, KIND_PUBLIC_ANCHOR
from .frameworks import latest_framework, load_frameworks
from .models import (
    ACTION_DONE,
    ACTION_IN_PROGRESS,
    ACTION_NOT_STARTED,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    Action,
    Answer,
    Assessment,
)
from .services import variant_for

EVIDENCE = [
    "Reported to the board in our annual anchor update.",
    "Figures from our HR system for the last financial year.",
    "Agreed with our community partners at the spring listening event.",
    "Set out in our procurement strategy; spend data from the finance team.",
    "Pilot running in two teams; we will review it in the new year.",
]
ACTION_TEXT = [
    "Run a pilot with two community partners and review the results",
    "Agree a target with the leadership team and report it quarterly",
    "Write the commitment into the next round of contracts",
    "Train managers and collect data by team",
]
OWNERS = [
    "Head of HR",
    "Procurement lead",
    "Sustainability manager",
    "Chief executive",
    "Community lead",
]


def seed_demo() -> None:
    """Load the frameworks and give most anchors 2025 and 2026 assessments (safe to run again)."""
    load_frameworks()
    organisations = (
        demo_organisations(KIND_PUBLIC_ANCHOR)
        + demo_organisations(KIND_BUSINESS_ANCHOR)
        + demo_organisations(KIND_COMMUNITY_ANCHOR)
    )
    existing = {
        (a.organisation_id, a.year)
        for a in db.session.scalars(select(Assessment).where(Assessment.year.in_([2025, 2026])))
    }
    for index, organisation in enumerate(organisations):
        rng = random.Random(f"assessment-demo-{organisation.name}")
        if index % 7 == 6:
            continue  # a few anchors have not started, so the empty state shows too
        framework = latest_framework(variant_for(organisation))
        if framework is None:
            continue
        criteria = framework.criteria
        submitter = organisation.memberships[0].user_id if organisation.memberships else None
        base = {c.id: rng.choice([1, 1, 2, 2, 2, 3]) for c in criteria}
        targets = {c.id: min(4, base[c.id] + rng.choice([0, 1, 1, 2])) for c in criteria}
        later = {c.id: min(targets[c.id], base[c.id] + rng.choice([0, 0, 1])) for c in criteria}
        plan = [
            (2025, base, STATUS_SUBMITTED),
            (2026, later, STATUS_DRAFT if index % 5 == 4 else STATUS_SUBMITTED),
        ]
        for year, levels, status in plan:
            if (organisation.id, year) in existing:
                continue
            assessment = Assessment(
                organisation_id=organisation.id,
                framework_id=framework.id,
                year=year,
                status=status,
                created_at=datetime(year, 9, 1),
                updated_at=datetime(year, 10, 1),
            )
            if status == STATUS_SUBMITTED:
                assessment.submitted_at = datetime(year, 10, rng.randint(1, 28), 11, 0)
                assessment.submitted_by_id = submitter
            db.session.add(assessment)
            db.session.flush()
            for position, criterion in enumerate(criteria):
                # Drafts are part-way through: the later dimensions are still blank.
                if status == STATUS_DRAFT and position > len(criteria) // 2:
                    break
                db.session.add(
                    Answer(
                        assessment_id=assessment.id,
                        criterion_id=criterion.id,
                        level=levels[criterion.id],
                        target_level=targets[criterion.id],
                        evidence=rng.choice(EVIDENCE),
                        links="",
                    )
                )
            if status == STATUS_SUBMITTED and year == 2026:
                _seed_actions(rng, assessment, criteria, levels, targets)
    db.session.flush()


def _seed_actions(rng, assessment, criteria, levels, targets) -> None:
    gaps = [c for c in criteria if levels[c.id] < targets[c.id]]
    for number, criterion in enumerate(gaps[:4]):
        status = [ACTION_IN_PROGRESS, ACTION_NOT_STARTED, ACTION_DONE, ACTION_IN_PROGRESS][number]
        # The first action of each plan falls due before the demo's "today", so it shows overdue.
        due = date(2026, 11, 1) + timedelta(days=-20 if number == 0 else 60 * number)
        db.session.add(
            Action(
                assessment_id=assessment.id,
                criterion_id=criterion.id,
                description=rng.choice(ACTION_TEXT),
                owner=rng.choice(OWNERS),
                due_date=due,
                status=status,
            )
        )
