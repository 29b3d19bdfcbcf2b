"""Assessment state changes and read models. Services add and flush; the caller commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.utils import secure_filename

from ..accounts.models import User
from ..core import audit
from ..core.locking import check_version, create_once
from ..core.models import utcnow
from ..extensions import db
from ..orgs import services as org_services
from ..orgs.models import (
    KIND_BUSINESS_ANCHOR,
    KIND_PUBLIC_ANCHOR,
    Network,
    Organisation,
)
from . import scoring, uploads
from .frameworks import latest_framework, load_frameworks
from .models import (
    ACTION_DONE,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    VARIANT_ANCHOR,
    VARIANT_BUSINESS,
    VARIANT_COMMUNITY,
    Action,
    Answer,
    Assessment,
    Criterion,
    Dimension,
    EvidenceFile,
    Framework,
)


class AssessmentError(Exception):
    """A rule was broken; the message is for the person."""


class ConflictError(AssessmentError):
    """Someone else saved the assessment since this person loaded it."""


def variant_for(organisation: Organisation) -> str:
    """The network decides the variant; organisations in no network fall back by kind."""
    networks = sorted(organisation.networks, key=lambda n: n.id)
    if networks:
        return networks[0].assessment_variant
    return {
        KIND_PUBLIC_ANCHOR: VARIANT_ANCHOR,
        KIND_BUSINESS_ANCHOR: VARIANT_BUSINESS,
    }.get(organisation.kind, VARIANT_COMMUNITY)


def framework_usage() -> list[tuple[Framework, int, int]]:
    """Every loaded framework version with its number of draft and submitted assessments."""
    counts = {
        (framework_id, status): count
        for framework_id, status, count in db.session.execute(
            select(Assessment.framework_id, Assessment.status, func.count(Assessment.id)).group_by(
                Assessment.framework_id, Assessment.status
            )
        )
    }
    frameworks = db.session.scalars(
        select(Framework).order_by(Framework.variant, Framework.version)
    )
    return [
        (f, counts.get((f.id, STATUS_DRAFT), 0), counts.get((f.id, STATUS_SUBMITTED), 0))
        for f in frameworks
    ]


def current_year() -> int:
    return utcnow().year


def assessments_for(organisation_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.organisation_id == organisation_id)
            .order_by(Assessment.year.desc())
        )
    )


def latest_assessment(organisation_id: int) -> Assessment | None:
    """The most recent cycle, without its answers (for the organisation home panel)."""
    return db.session.scalar(
        select(Assessment)
        .where(Assessment.organisation_id == organisation_id)
        .order_by(Assessment.year.desc())
        .limit(1)
        .options(*_cycle_only())
    )


def _cycle_only() -> tuple[Any, ...]:
    """An assessment as the home panel shows it (its year and status): not its answers, nor
    its framework's dimensions and criteria, organisation or submitter (four more queries)."""
    return (
        lazyload(Assessment.answers),
        lazyload(Assessment.framework),
        lazyload(Assessment.organisation),
        lazyload(Assessment.submitted_by),
    )


def find_assessment(organisation_id: int, year: int) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(
            Assessment.organisation_id == organisation_id, Assessment.year == year
        )
    )


def previous_submitted(assessment: Assessment) -> Assessment | None:
    return db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == assessment.organisation_id,
            Assessment.status == STATUS_SUBMITTED,
            Assessment.year < assessment.year,
        )
        .order_by(Assessment.year.desc())
        .limit(1)
    )


def start_assessment(organisation: Organisation, year: int, user: User | None) -> Assessment:
    """A new draft for `year`, starting from a copy of the last submitted answers."""
    if find_assessment(organisation.id, year) is not None:
        raise AssessmentError(f"There is already an assessment for {year}")
    variant = variant_for(organisation)
    framework = latest_framework(variant)
    if framework is None:
        # A fresh install that skipped `flask assessment load-frameworks`: load them now.
        load_frameworks()
        framework = latest_framework(variant)
    if framework is None:
        raise AssessmentError(
            "The framework has not been loaded yet. Ask an administrator to run "
            "flask assessment load-frameworks"
        )

    def insert() -> Assessment:
        assessment = Assessment(
            organisation_id=organisation.id,
            framework_id=framework.id,
            year=year,
            status=STATUS_DRAFT,
        )
        db.session.add(assessment)
        db.session.flush()
        return assessment

    assessment, created = create_once(insert, lambda: find_assessment(organisation.id, year))
    if not created:
        return assessment  # a colleague pressed "Start" at the same moment: theirs is the one
    last = db.session.scalar(
        select(Assessment)
        .where(
            Assessment.organisation_id == organisation.id,
            Assessment.status == STATUS_SUBMITTED,
            Assessment.year < year,
        )
        .order_by(Assessment.year.desc())
        .limit(1)
    )
    if last is not None:
        _copy_answers(last, assessment, framework)
    audit.record(
        "assessment.started",
        assessment,
        summary=f"Started the {year} self-assessment",
        organisation_id=organisation.id,
        user_id=user.id if user else None,
    )
    db.session.flush()
    return assessment


def _copy_answers(source: Assessment, target: Assessment, framework: Framework) -> None:
    # Match by criterion code, so a cycle on a newer framework version keeps what still applies.
    by_code = {c.code: c for c in framework.criteria}
    target.copied_from_id = source.id
    for answer in source.answers:
        criterion = by_code.get(answer.criterion.code)
        if criterion is None:
            continue
        db.session.add(
            Answer(
                assessment_id=target.id,
                criterion_id=criterion.id,
                level=answer.level,
                target_level=answer.target_level,
                evidence=answer.evidence,
                links=answer.links,
            )
        )
    files = db.session.scalars(select(EvidenceFile).where(EvidenceFile.assessment_id == source.id))
    for evidence in files:
        criterion = by_code.get(evidence.criterion.code)
        if criterion is None:
            continue
        db.session.add(
            EvidenceFile(
                assessment_id=target.id,
                criterion_id=criterion.id,
                original_name=evidence.original_name,
                stored_name=evidence.stored_name,
                content_type=evidence.content_type,
                size=evidence.size,
                uploaded_by_id=evidence.uploaded_by_id,
                uploaded_at=evidence.uploaded_at,
            )
        )
    db.session.flush()
    db.session.expire(target, ["answers"])


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_draft:
        raise AssessmentError(
            f"The {assessment.year} assessment has been submitted and can no longer be changed"
        )


def _claim_version(assessment: Assessment, expected_version: int) -> None:
    """Move the version on only if nobody else has (one conditional UPDATE, safe under races)."""
    _require_draft(assessment)
    result = db.session.execute(
        update(Assessment)
        .where(
            Assessment.id == assessment.id,
            Assessment.version == expected_version,
            Assessment.status == STATUS_DRAFT,
        )
        .values(version=Assessment.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.session.refresh(assessment)
        raise ConflictError(
            "Someone else in your organisation saved this assessment while you were editing it. "
            "Your answers below have not been saved yet: check them against the latest version "
            "and save again."
        )
    db.session.refresh(assessment, ["version", "updated_at"])


# What an answer holds; the audit entry keeps these before and after, per criterion code.
ANSWER_FIELDS = ("level", "target_level", "evidence", "links")


def save_answers(
    assessment: Assessment, expected_version: int, values: dict[int, dict[str, Any]]
) -> int:
    """Save answers for some criteria (id -> level, target_level, evidence, links); new version."""
    _claim_version(assessment, expected_version)
    existing = assessment.answers_by_criterion()
    codes = {c.id: c.code for c in assessment.framework.criteria}
    changes: dict[str, tuple[Any, Any]] = {}
    for criterion_id, data in values.items():
        answer = existing.get(criterion_id)
        before = audit.values_of(answer, ANSWER_FIELDS) if answer else dict.fromkeys(ANSWER_FIELDS)
        if answer is None:
            answer = Answer(assessment_id=assessment.id, criterion_id=criterion_id)
            db.session.add(answer)
            assessment.answers.append(answer)
        answer.level = data.get("level")
        answer.target_level = data.get("target_level")
        answer.evidence = data.get("evidence") or ""
        answer.links = "\n".join(data.get("links") or [])
        for name, values_before_after in audit.changes_since(before, answer).items():
            changes[f"{codes.get(criterion_id, criterion_id)} {name}"] = values_before_after
    db.session.flush()
    if audit.changed(changes):
        audit.record(
            "assessment.answers_saved",
            assessment,
            summary=f"Saved answers in the {assessment.year} self-assessment",
            organisation_id=assessment.organisation_id,
            changes=changes,
        )
    return assessment.version


def unanswered_criteria(assessment: Assessment) -> list[Criterion]:
    answers = assessment.answers_by_criterion()
    return [
        c
        for c in assessment.framework.criteria
        if answers.get(c.id) is None or answers[c.id].level is None
    ]


def submit_assessment(assessment: Assessment, user: User, expected_version: int) -> None:
    """Submit a complete draft; from now on it is read-only."""
    _require_draft(assessment)
    missing = unanswered_criteria(assessment)
    if missing:
        raise AssessmentError(
            f"Answer every question before you submit: {len(missing)} still to answer"
        )
    _claim_version(assessment, expected_version)
    previous = assessment.status
    assessment.status = STATUS_SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.submitted_by_id = user.id
    audit.record(
        "assessment.submitted",
        assessment,
        summary=f"Submitted the {assessment.year} self-assessment",
        organisation_id=assessment.organisation_id,
        user_id=user.id,
        changes={"status": (previous, assessment.status)},
    )
    db.session.flush()


def add_evidence_file(
    assessment: Assessment, criterion: Criterion, filename: str, content: bytes, user: User
) -> EvidenceFile:
    """Check and store an uploaded file against one criterion of a draft."""
    _require_draft(assessment)
    from flask import current_app

    content_type = uploads.check_upload(filename, content, current_app.config["MAX_UPLOAD_BYTES"])
    evidence = EvidenceFile(
        assessment_id=assessment.id,
        criterion_id=criterion.id,
        original_name=(secure_filename(filename) or "evidence")[:200],
        stored_name=uploads.store(content),
        content_type=content_type,
        size=len(content),
        uploaded_by_id=user.id,
    )
    db.session.add(evidence)
    db.session.flush()
    return evidence


def delete_evidence_file(evidence: EvidenceFile) -> None:
    """Remove a file from a draft; the bytes go only when no other cycle still refers to them."""
    _require_draft(evidence.assessment)
    stored_name = evidence.stored_name
    db.session.delete(evidence)
    db.session.flush()
    still_used = db.session.scalar(
        select(func.count()).where(EvidenceFile.stored_name == stored_name)
    )
    if not still_used:
        uploads.remove(stored_name)


def evidence_files(assessment_id: int) -> dict[int, list[EvidenceFile]]:
    files: dict[int, list[EvidenceFile]] = defaultdict(list)
    for evidence in db.session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.assessment_id == assessment_id)
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    ):
        files[evidence.criterion_id].append(evidence)
    return files


# Results --------------------------------------------------------------------------------------


@dataclass
class DimensionResult:
    dimension: Dimension
    score: float | None
    target: float | None
    previous: float | None
    change: float | None
    benchmark: scoring.Spread | None = None


@dataclass
class Results:
    assessment: Assessment
    rows: list[DimensionResult]
    overall: float | None
    overall_target: float | None
    previous: Assessment | None
    previous_overall: float | None
    versions_differ: bool
    network: Network | None
    benchmark_count: int = 0
    benchmark_shown: bool = False
    gaps: list[tuple[Criterion, Answer]] = field(default_factory=list)


def _scores(assessment: Assessment, attribute: str = "level") -> dict[str, float | None]:
    values = {a.criterion_id: getattr(a, attribute) for a in assessment.answers}
    return scoring.dimension_scores(
        {d.code: [c.id for c in d.criteria] for d in assessment.framework.dimensions}, values
    )


def benchmark_network(assessment: Assessment) -> Network | None:
    """The network used for comparison: its first accepted network on this variant."""
    for network in sorted(assessment.organisation.networks, key=lambda n: n.id):
        if network.assessment_variant == assessment.framework.variant:
            return network
    return None


def network_spreads(
    network: Network, framework: Framework, year: int
) -> tuple[int, dict[str, scoring.Spread | None]]:
    """How many network members submitted this version for `year`, and the spread per dimension."""
    peers = select(Assessment.id).where(
        # Accepted members that are not suspended: orgs decides who a network counts.
        Assessment.organisation_id.in_(org_services.counted_network_members(network.id)),
        Assessment.framework_id == framework.id,
        Assessment.year == year,
        Assessment.status == STATUS_SUBMITTED,
    )
    rows = db.session.execute(
        select(Answer.assessment_id, Dimension.code, Answer.level)
        .join(Criterion, Criterion.id == Answer.criterion_id)
        .join(Dimension, Dimension.id == Criterion.dimension_id)
        .where(Answer.assessment_id.in_(peers))
    ).all()
    levels: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for assessment_id, code, level in rows:
        if level is not None:
            levels[assessment_id][code].append(level)
    count = len(levels)
    spreads = {
        d.code: scoring.spread(scoring.mean_level(levels[a][d.code]) for a in levels)
        for d in framework.dimensions
    }
    return count, spreads


def results_for(assessment: Assessment) -> Results:
    """Scores per dimension, change since the last cycle and (if allowed) the network benchmark."""
    scores = _scores(assessment)
    targets = _scores(assessment, "target_level")
    previous = previous_submitted(assessment)
    previous_scores = _scores(previous) if previous else {}
    rows = [
        DimensionResult(
            dimension=d,
            score=scores[d.code],
            target=targets[d.code],
            previous=previous_scores.get(d.code),
            change=scoring.change(scores[d.code], previous_scores.get(d.code)),
        )
        for d in assessment.framework.dimensions
    ]
    network = benchmark_network(assessment)
    results = Results(
        assessment=assessment,
        rows=rows,
        overall=scoring.overall_score(scores),
        overall_target=scoring.overall_score(targets),
        previous=previous,
        previous_overall=scoring.overall_score(previous_scores) if previous else None,
        versions_differ=previous is not None and previous.framework_id != assessment.framework_id,
        network=network,
    )
    if network is not None and assessment.is_submitted:
        count, spreads = network_spreads(network, assessment.framework, assessment.year)
        results.benchmark_count = count
        results.benchmark_shown = count >= scoring.BENCHMARK_MINIMUM
        if results.benchmark_shown:
            for row in rows:
                row.benchmark = spreads.get(row.dimension.code)
    results.gaps = action_gaps(assessment)
    return results


def action_gaps(assessment: Assessment) -> list[tuple[Criterion, Answer]]:
    """Criteria where the organisation is below the level it targets, in framework order."""
    answers = assessment.answers_by_criterion()
    gaps = []
    for criterion in assessment.framework.criteria:
        answer = answers.get(criterion.id)
        if (
            answer is not None
            and answer.level is not None
            and answer.target_level is not None
            and answer.level < answer.target_level
        ):
            gaps.append((criterion, answer))
    return gaps


# Action plan ----------------------------------------------------------------------------------


def actions_by_criterion(assessment_id: int) -> dict[int, Action]:
    return {
        a.criterion_id: a
        for a in db.session.scalars(select(Action).where(Action.assessment_id == assessment_id))
    }


ACTION_FIELDS = ("description", "owner", "due_date", "status")


def save_action(assessment: Assessment, criterion: Criterion, data: dict[str, Any]) -> Action:
    """Create or update the action for one criterion of the plan.

    `data["version"]` is the version the form was rendered from (0 for a new action), so a
    save made from an outdated page is refused rather than overwriting a colleague's.
    """

    def find() -> Action | None:
        return db.session.scalar(
            select(Action).where(
                Action.assessment_id == assessment.id, Action.criterion_id == criterion.id
            )
        )

    def insert() -> Action:
        action = Action(assessment_id=assessment.id, criterion_id=criterion.id)
        _apply_action(action, data)
        db.session.add(action)
        db.session.flush()
        return action

    found = find()
    if found is None:
        before = dict.fromkeys(ACTION_FIELDS)
        action, created = create_once(insert, find)
        if not created:
            return action  # the same "Add action" pressed twice at once: keep the first
    else:
        action = found
        check_version(action, data.get("version"))
        before = audit.values_of(action, ACTION_FIELDS)
        _apply_action(action, data)
    audit.record(
        "assessment.action_saved",
        assessment,
        summary=f"Updated the action for {criterion.title} ({action.status_label})",
        organisation_id=assessment.organisation_id,
        changes=audit.changes_since(before, action),
    )
    db.session.flush()
    return action


def _apply_action(action: Action, data: dict[str, Any]) -> None:
    action.description = data.get("description") or ""
    action.owner = data.get("owner") or ""
    if action.due_date != data.get("due_date"):
        action.reminded_at = None  # a new date earns a new reminder if it is missed too
    action.due_date = data.get("due_date")
    action.status = data["status"]
    action.updated_at = utcnow()


def _overdue(organisation_id: int, today: date | None) -> Select:
    return (
        select(Action)
        .join(Assessment, Assessment.id == Action.assessment_id)
        .where(
            Assessment.organisation_id == organisation_id,
            Action.due_date < (today or utcnow().date()),
            Action.status != ACTION_DONE,
        )
    )


def overdue_actions(
    organisation_id: int, today: date | None = None, *, limit: int | None = None
) -> list[Action]:
    """Undone actions past their due date, longest overdue first (the first `limit` of them)."""
    return list(
        db.session.scalars(
            _overdue(organisation_id, today)
            .order_by(Action.due_date, Action.id)
            .limit(limit)
            .options(joinedload(Action.assessment).options(*_cycle_only()))
        )
    )


def count_overdue_actions(organisation_id: int, today: date | None = None) -> int:
    """How many actions `overdue_actions` would list, counted in the database."""
    statement = _overdue(organisation_id, today).with_only_columns(func.count(Action.id))
    return db.session.scalar(statement) or 0
