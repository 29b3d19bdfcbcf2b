"""Self-assessment pages: the cycle, one page per dimension, evidence, results, action plan."""

from __future__ import annotations

from typing import Any

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import platform_admin
from ..core.access import party_to, public
from ..core.export import xlsx_response
from ..core.models import utcnow
from ..core.uploads import private_download
from ..extensions import db
from ..orgs.access import member_of_org
from . import services, uploads
from .access import member_evidence_file
from .export import assessment_sheets
from .forms import (
    ActionForm,
    EvidenceUploadForm,
    SubmitAssessmentForm,
    answers_from,
    check_targets,
    dimension_form,
)
from .frameworks import FrameworkFileError, load_frameworks
from .guides import all_guides, find_guide
from .models import LEVELS, Assessment, Criterion, Dimension, EvidenceFile
from .scoring import progress

bp = Blueprint("assessment", __name__)
# The organisation home panel lists this many overdue actions and counts the others.
OVERDUE_SHOWN = 5


@bp.cli.command("load-frameworks")
def load_frameworks_command() -> None:
    """Load new framework versions from portal/assessment/frameworks/ (safe to run again)."""
    try:
        added = load_frameworks()
    except FrameworkFileError as error:
        raise click.ClickException(f"Framework file error: {error}") from error
    db.session.commit()
    for framework in added:
        click.echo(f"Loaded {framework.variant} version {framework.version}: {framework.title}")
    if not added:
        click.echo("Every framework version is already loaded.")


@bp.app_template_global()
def assessment_home_summary(organisation_id: int) -> dict[str, Any]:
    """What the organisation home panel shows: the latest cycle and overdue actions."""
    return {
        "latest": services.latest_assessment(organisation_id),
        "current_year": services.current_year(),
        # The panel names the first few and counts the rest.
        "overdue": services.overdue_actions(organisation_id, limit=OVERDUE_SHOWN),
        "overdue_count": services.count_overdue_actions(organisation_id),
    }


@bp.get("/admin/assessment/frameworks")
@platform_admin
def admin_frameworks() -> ResponseReturnValue:
    return render_template("assessment/admin_frameworks.html", rows=services.framework_usage())


# Guides ---------------------------------------------------------------------------------------


@bp.get("/guides")
@public
def guides() -> ResponseReturnValue:
    return render_template("assessment/guides.html", guides=all_guides())


@bp.get("/guides/<slug>")
@public
def guide(slug: str) -> ResponseReturnValue:
    found = find_guide(slug) or abort(404)
    return render_template("assessment/guide.html", guide=found)


# Helpers --------------------------------------------------------------------------------------


def _assessment(org_id: int, year: int) -> Assessment:
    return services.find_assessment(org_id, year) or abort(404)


def _criterion(assessment: Assessment, criterion_id: int) -> Criterion:
    criterion = next((c for c in assessment.framework.criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    return criterion


def _levels(assessment: Assessment) -> dict[int, int | None]:
    return {a.criterion_id: a.level for a in assessment.answers}


def _dimension_progress(assessment: Assessment, dimension: Dimension) -> tuple[int, int]:
    return progress(_levels(assessment), [c.id for c in dimension.criteria])


# The cycle ------------------------------------------------------------------------------------


@bp.get("/orgs/<int:org_id>/assessment")
@member_of_org()
def overview(org_id: int) -> ResponseReturnValue:
    cycles = services.assessments_for(org_id)
    year = services.current_year()
    return render_template(
        "assessment/overview.html",
        organisation=g.org,
        cycles=cycles,
        year=year,
        has_current=any(c.year == year for c in cycles),
        variant=services.variant_for(g.org),
        progress={c.id: progress(_levels(c), [x.id for x in c.framework.criteria]) for c in cycles},
    )


@bp.post("/orgs/<int:org_id>/assessment/start")
@member_of_org()
def start(org_id: int) -> ResponseReturnValue:
    year = services.current_year()
    if services.find_assessment(org_id, year) is None:
        try:
            assessment = services.start_assessment(g.org, year, current_user)
        except services.AssessmentError as error:
            flash(str(error), "error")
            return redirect(url_for(".overview", org_id=org_id))
        db.session.commit()
        copied = " It starts from your last submitted answers." if assessment.copied_from_id else ""
        flash(f"Your {year} self-assessment has started.{copied}", "success")
    return redirect(url_for(".cycle", org_id=org_id, year=year))


@bp.get("/orgs/<int:org_id>/assessment/<int:year>")
@member_of_org()
def cycle(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    levels = _levels(assessment)
    return render_template(
        "assessment/cycle.html",
        organisation=g.org,
        assessment=assessment,
        dimension_progress={
            d.code: progress(levels, [c.id for c in d.criteria])
            for d in assessment.framework.dimensions
        },
        overall_progress=progress(levels, [c.id for c in assessment.framework.criteria]),
    )


@bp.route("/orgs/<int:org_id>/assessment/<int:year>/<code>", methods=["GET", "POST"])
@member_of_org()
def dimension(org_id: int, year: int, code: str) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    framework = assessment.framework
    current = framework.dimension(code)
    if current is None:
        abort(404)
    autosave = request.form.get("autosave") == "1"
    conflict: str | None = None
    if request.method == "POST":
        if not assessment.is_draft:
            if autosave:
                return jsonify(error="This assessment has been submitted"), 409
            flash("This assessment has been submitted and can no longer be changed.", "error")
            return redirect(url_for(".cycle", org_id=org_id, year=year))
        form = dimension_form(current)
        valid = form.validate()
        valid = check_targets(form, current) and valid
        if valid:
            try:
                version = services.save_answers(
                    assessment, form.version.data, answers_from(form, current)
                )
            except services.ConflictError as error:
                db.session.rollback()
                conflict = str(error)
                # Keep their text; move the hidden version on so their next save is deliberate.
                assessment = _assessment(org_id, year)
                form.version.data = assessment.version
                form.version.raw_data = [str(assessment.version)]
            else:
                db.session.commit()
                if autosave:
                    return jsonify(version=version)
                return _after_save(assessment, current, form)
        if autosave:
            if conflict:
                return jsonify(error=conflict), 409
            return jsonify(errors=form.errors), 400
    else:
        answers = assessment.answers_by_criterion()
        data: dict[str, Any] = {"version": assessment.version}
        for criterion in current.criteria:
            answer = answers.get(criterion.id)
            if answer is not None:
                data[f"level_{criterion.id}"] = answer.level
                data[f"target_{criterion.id}"] = answer.target_level
                data[f"evidence_{criterion.id}"] = answer.evidence
                data[f"links_{criterion.id}"] = answer.links
        form = dimension_form(current, formdata=None, data=data)
    dimensions = framework.dimensions
    index = dimensions.index(current)
    return render_template(
        "assessment/dimension.html",
        organisation=g.org,
        assessment=assessment,
        dimension=current,
        position=index + 1,
        dimension_count=len(dimensions),
        form=form,
        conflict=conflict,
        saved=assessment.answers_by_criterion() if conflict else {},
        files=services.evidence_files(assessment.id),
        answered=_dimension_progress(assessment, current),
        overall=progress(_levels(assessment), [c.id for c in framework.criteria]),
        levels=LEVELS,
    )


def _after_save(assessment: Assessment, current: Dimension, form: Any) -> ResponseReturnValue:
    org_id, year = assessment.organisation_id, assessment.year
    if form.save_exit.data:
        flash("Your answers have been saved. You can come back to them at any time.", "success")
        return redirect(url_for(".cycle", org_id=org_id, year=year))
    dimensions = assessment.framework.dimensions
    index = dimensions.index(current)
    if index + 1 < len(dimensions):
        return redirect(
            url_for(".dimension", org_id=org_id, year=year, code=dimensions[index + 1].code)
        )
    return redirect(url_for(".review", org_id=org_id, year=year))


@bp.route("/orgs/<int:org_id>/assessment/<int:year>/submit", methods=["GET", "POST"])
@member_of_org()
def review(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    if not assessment.is_draft:
        return redirect(url_for(".results", org_id=org_id, year=year))
    form = SubmitAssessmentForm(data={"version": assessment.version})
    problem = None
    if form.validate_on_submit():
        try:
            services.submit_assessment(assessment, current_user, form.version.data)
        except services.AssessmentError as error:
            db.session.rollback()
            problem = str(error)
            assessment = _assessment(org_id, year)
        else:
            db.session.commit()
            return render_template(
                "assessment/submitted.html", organisation=g.org, assessment=assessment
            )
    return render_template(
        "assessment/review.html",
        organisation=g.org,
        assessment=assessment,
        form=form,
        problem=problem,
        answers=assessment.answers_by_criterion(),
        missing=services.unanswered_criteria(assessment),
        files=services.evidence_files(assessment.id),
        levels=LEVELS,
    )


# Evidence -------------------------------------------------------------------------------------


@bp.route(
    "/orgs/<int:org_id>/assessment/<int:year>/evidence/<int:criterion_id>",
    methods=["GET", "POST"],
)
@member_of_org()
def evidence(org_id: int, year: int, criterion_id: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    criterion = _criterion(assessment, criterion_id)
    form = EvidenceUploadForm()
    if request.method == "POST":
        if not assessment.is_draft:
            abort(409, "This assessment has been submitted and can no longer be changed.")
        if form.validate_on_submit():
            upload = form.file.data
            # Read one byte past the limit so an oversized file is refused without reading it all.
            content = upload.stream.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
            try:
                stored = services.add_evidence_file(
                    assessment, criterion, upload.filename or "", content, current_user
                )
            except uploads.UploadError as error:
                db.session.rollback()
                form.file.errors = [str(error)]
            else:
                db.session.commit()
                flash(f"{stored.original_name} has been uploaded.", "success")
                return redirect(request.path)
    return render_template(
        "assessment/evidence.html",
        organisation=g.org,
        assessment=assessment,
        criterion=criterion,
        form=form,
        files=services.evidence_files(assessment.id).get(criterion.id, []),
    )


@bp.post(
    "/orgs/<int:org_id>/assessment/<int:year>/evidence/<int:criterion_id>/<int:file_id>/delete"
)
@member_of_org()
def delete_evidence(org_id: int, year: int, criterion_id: int, file_id: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    stored = db.first_or_404(
        select(EvidenceFile).filter_by(id=file_id, assessment_id=assessment.id)
    )
    try:
        services.delete_evidence_file(stored)
    except services.AssessmentError as error:
        abort(409, str(error))
    db.session.commit()
    flash("The file has been removed.", "success")
    return redirect(url_for(".evidence", org_id=org_id, year=year, criterion_id=criterion_id))


@bp.get("/assessment/files/<int:file_id>")
@party_to(member_evidence_file, into="stored")
def download_evidence(stored: EvidenceFile) -> ResponseReturnValue:
    path = uploads.stored_path(stored.stored_name)
    if not path.exists():
        abort(404)
    return private_download(path, stored.content_type, stored.original_name)


# Results --------------------------------------------------------------------------------------


@bp.get("/orgs/<int:org_id>/assessment/<int:year>/results")
@member_of_org()
def results(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    return render_template(
        "assessment/results.html",
        organisation=g.org,
        assessment=assessment,
        results=services.results_for(assessment),
        levels=LEVELS,
    )


@bp.get("/orgs/<int:org_id>/assessment/<int:year>/print")
@member_of_org()
def print_view(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    return render_template(
        "assessment/print.html",
        organisation=g.org,
        assessment=assessment,
        results=services.results_for(assessment),
        answers=assessment.answers_by_criterion(),
        actions=services.actions_by_criterion(assessment.id),
        levels=LEVELS,
    )


@bp.get("/orgs/<int:org_id>/assessment/<int:year>/export.xlsx")
@member_of_org()
def export(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    if not assessment.is_submitted:
        abort(404)
    sheets = assessment_sheets(
        assessment,
        services.results_for(assessment),
        services.actions_by_criterion(assessment.id),
    )
    return xlsx_response(f"self-assessment-{year}.xlsx", sheets)


# Action plan ----------------------------------------------------------------------------------


@bp.get("/orgs/<int:org_id>/assessment/<int:year>/actions")
@member_of_org()
def actions(org_id: int, year: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    return render_template(
        "assessment/actions.html",
        organisation=g.org,
        assessment=assessment,
        gaps=services.action_gaps(assessment),
        actions=services.actions_by_criterion(assessment.id),
        today=utcnow().date(),
        levels=LEVELS,
    )


@bp.route(
    "/orgs/<int:org_id>/assessment/<int:year>/actions/<int:criterion_id>",
    methods=["GET", "POST"],
)
@member_of_org()
def edit_action(org_id: int, year: int, criterion_id: int) -> ResponseReturnValue:
    assessment = _assessment(org_id, year)
    criterion = _criterion(assessment, criterion_id)
    existing = services.actions_by_criterion(assessment.id).get(criterion.id)
    # A new action's form names version 0, so it cannot overwrite one a colleague just added.
    form = ActionForm(obj=existing, data=None if existing else {"version": 0})
    if form.validate_on_submit():
        services.save_action(assessment, criterion, form.data)
        db.session.commit()
        flash(f"The action for {criterion.title} has been saved.", "success")
        return redirect(url_for(".actions", org_id=org_id, year=year))
    answer = assessment.answers_by_criterion().get(criterion.id)
    return render_template(
        "assessment/action_edit.html",
        organisation=g.org,
        assessment=assessment,
        criterion=criterion,
        answer=answer,
        form=form,
        levels=LEVELS,
        guide=find_guide(criterion.guide_slug or ""),
    )
