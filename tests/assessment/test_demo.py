"""The demo data gives results, comparison and benchmark real content, and is safe to rerun."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.assessment.demo import seed_demo
from portal.assessment.models import Action, Assessment
from portal.assessment.services import find_assessment, results_for
from portal.demo.people import demo_organisations, seed_people_and_organisations
from portal.extensions import db
from portal.orgs.models import KIND_BUSINESS_ANCHOR, KIND_COMMUNITY_ANCHOR, KIND_PUBLIC_ANCHOR


def test_demo_gives_most_anchors_two_submitted_years_and_runs_once():
    seed_people_and_organisations()
    db.session.commit()
    seed_demo()
    db.session.commit()
    counts = (
        db.session.scalar(select(func.count(Assessment.id))),
        db.session.scalar(select(func.count(Action.id))),
    )
    seed_demo()
    db.session.commit()
    assert counts == (
        db.session.scalar(select(func.count(Assessment.id))),
        db.session.scalar(select(func.count(Action.id))),
    )
    anchors = (
        demo_organisations(KIND_PUBLIC_ANCHOR)
        + demo_organisations(KIND_BUSINESS_ANCHOR)
        + demo_organisations(KIND_COMMUNITY_ANCHOR)
    )
    both_years = [
        o
        for o in anchors
        if (a := find_assessment(o.id, 2025)) is not None
        and a.is_submitted
        and (b := find_assessment(o.id, 2026)) is not None
        and b.is_submitted
    ]
    assert len(both_years) > len(anchors) / 2
    assert db.session.scalar(select(func.count(Assessment.id)).where(Assessment.status == "draft"))
    public = next(o for o in both_years if o.kind == KIND_PUBLIC_ANCHOR)
    results = results_for(find_assessment(public.id, 2026))
    assert results.benchmark_shown
    assert results.previous is not None and results.previous.year == 2025
    assert counts[1] > 0
