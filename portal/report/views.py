"""The State of the City report: public pages per year, the PDF, the admin's generate and
publish steps, and convenors' narratives. Every page reads one frozen row, not the figures."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..accounts.access import convenor_of, platform_admin
from ..core.access import can_see, public
from ..core.charts import line_chart
from ..extensions import db
from ..jobs import enqueue, enqueue_after_commit
from . import contents, jobs, services
from .access import AmbitionYear, YearReport, ambition_to_narrate, report_to_read
from .forms import (
    ActionForm,
    GenerateForm,
    HighlightForm,
    NarrativeForm,
    PublishForm,
    RegenerateForm,
)
from .models import GENERATING, READY

bp = Blueprint("report", __name__)


@bp.get("/state-of-the-city")
@public
def index() -> ResponseReturnValue:
    return render_template("report/index.html", reports=services.published_years())


def _version_asked(found: YearReport) -> YearReport:
    """`?version=N` opens an earlier published version of the year."""
    asked = request.args.get("version", "")
    if not asked:
        return found
    if not asked.isdigit() or len(asked) > 6:
        abort(404)
    earlier = services.published_version(found.year, int(asked))
    if earlier is None:
        abort(404)
    return YearReport(found.year, earlier, preview=False)


@bp.get("/state-of-the-city/<int:year>")
@can_see(report_to_read, into="found")
def year(found: YearReport) -> ResponseReturnValue:
    found = _version_asked(found)
    report = found.report
    if report is None or not report.content:
        return render_template("report/not_ready.html", year=found.year, report=report)
    return render_template(
        "report/report.html",
        report=report,
        preview=found.preview,
        sections=contents.sections(services.content_of(report)),
        versions=[v for v in services.versions_of(found.year) if v.is_public],
        line_chart=line_chart,
    )


@bp.get("/state-of-the-city/<int:year>.pdf")
@can_see(report_to_read, into="found")
def pdf(found: YearReport) -> ResponseReturnValue:
    found = _version_asked(found)
    report = found.report
    if report is None or not report.content:
        flash(f"There is no {found.year} report to download yet.", "error")
        return redirect(url_for("report.admin_status", year=found.year))
    if report.pdf is None:
        enqueue(jobs.render_pdf, report.id)  # the first download renders it
        db.session.expire(report)
    if report.pdf is None:
        return render_template("report/pdf_pending.html", report=report), 202
    name = f"state-of-the-city-{report.year}-v{report.version}.pdf"
    return Response(
        report.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "X-Content-SHA256": report.pdf_sha256,
        },
    )


# ------------------------------------------------------------------ platform admins


@bp.route("/admin/state-of-the-city", methods=["GET", "POST"])
@platform_admin
def admin_index() -> ResponseReturnValue:
    form = GenerateForm()
    if form.validate_on_submit():
        chosen = int(form.year.data)
        try:
            report = services.request_generation(chosen, current_user)
        except services.ReportError as error:
            form.year.errors = [str(error)]
        else:
            report_id = report.id
            enqueue_after_commit(jobs.generate_report, report_id)
            db.session.commit()
            flash(f"The {chosen} report is being generated.", "success")
            return redirect(url_for("report.admin_status", year=chosen))
    return render_template("report/admin_index.html", form=form, reports=services.all_reports())


@bp.get("/admin/state-of-the-city/<int:year>")
@platform_admin
def admin_status(year: int) -> ResponseReturnValue:
    versions = services.versions_of(year)
    return render_template(
        "report/admin_status.html",
        year=year,
        report=versions[0] if versions else None,
        versions=versions,
        refreshing=bool(versions) and versions[0].status == GENERATING,
    )


@bp.route("/admin/state-of-the-city/<int:year>/publish", methods=["GET", "POST"])
@platform_admin
def admin_publish(year: int) -> ResponseReturnValue:
    report = services.latest(year)
    if report is None or report.status != READY:
        flash(f"There is no {year} report ready to publish.", "error")
        return redirect(url_for("report.admin_status", year=year))
    form = PublishForm()
    if form.validate_on_submit():
        services.publish(report, current_user)
        db.session.commit()
        flash(f"The {year} State of the City report is published.", "success")
        return redirect(url_for("report.admin_status", year=year))
    return render_template("report/admin_publish.html", form=form, report=report)


@bp.route("/admin/state-of-the-city/<int:year>/regenerate", methods=["GET", "POST"])
@platform_admin
def admin_regenerate(year: int) -> ResponseReturnValue:
    published = services.published_version(year)
    if published is None:
        flash(f"The {year} report is not published: generate it instead.", "error")
        return redirect(url_for("report.admin_status", year=year))
    form = RegenerateForm()
    if form.validate_on_submit():
        report = services.request_regeneration(year, form.reason.data, current_user)
        enqueue_after_commit(jobs.generate_report, report.id)
        db.session.commit()
        flash(
            f"Version {report.version} of the {year} report is being generated. The published "
            "version stays as it is.",
            "success",
        )
        return redirect(url_for("report.admin_status", year=year))
    return render_template("report/admin_regenerate.html", form=form, report=published)


# ------------------------------------------------------------------ convenors' narratives


def _narrative_page(found: AmbitionYear, **forms: object) -> str:
    code = found.ambition.code
    return render_template(
        "report/narrative.html",
        year=found.year,
        ambition=found.ambition,
        entry=services.narrative(found.year, code),
        highlights=services.highlights(found.year, code),
        published=services.is_published(found.year),
        max_highlights=services.MAX_HIGHLIGHTS,
        form=forms.get("form") or NarrativeForm(obj=services.narrative(found.year, code)),
        highlight_form=forms.get("highlight_form") or HighlightForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )


def _back(found: AmbitionYear) -> ResponseReturnValue:
    return redirect(url_for("report.narrative", year=found.year, code=found.ambition.code.lower()))


@bp.route("/state-of-the-city/<int:year>/narrative/<code>", methods=["GET", "POST"])
@convenor_of(ambition_to_narrate, into="found")
def narrative(found: AmbitionYear) -> ResponseReturnValue:
    form = NarrativeForm()
    if form.validate_on_submit():
        try:
            services.save_narrative(found.year, found.ambition.code, form.body.data, current_user)
        except services.ReportError as error:
            form.body.errors = [str(error)]
        else:
            db.session.commit()
            flash("Your draft has been saved.", "success")
            return _back(found)
    return _narrative_page(found, form=form)


@bp.post("/state-of-the-city/<int:year>/narrative/<code>/submit")
@convenor_of(ambition_to_narrate, into="found")
def narrative_submit(found: AmbitionYear) -> ResponseReturnValue:
    return _move_on(found, services.submit_narrative, "The narrative has been sent for review.")


@bp.post("/state-of-the-city/<int:year>/narrative/<code>/approve")
@convenor_of(ambition_to_narrate, into="found")
def narrative_approve(found: AmbitionYear) -> ResponseReturnValue:
    return _move_on(found, services.approve_narrative, "The narrative has been approved.")


def _move_on(found: AmbitionYear, step: object, done: str) -> ResponseReturnValue:
    form = ActionForm()
    entry = services.narrative(found.year, found.ambition.code)
    if not form.validate_on_submit():
        abort(400)
    if entry is None:
        flash("Write and save a draft first.", "error")
        return _back(found)
    try:
        step(entry, current_user)  # type: ignore[operator]
    except services.ReportError as error:
        flash(str(error), "error")
        return _back(found)
    db.session.commit()
    flash(done, "success")
    return _back(found)


@bp.post("/state-of-the-city/<int:year>/narrative/<code>/highlights")
@convenor_of(ambition_to_narrate, into="found")
def highlight_add(found: AmbitionYear) -> ResponseReturnValue:
    form = HighlightForm()
    if form.validate_on_submit():
        try:
            services.add_highlight(
                found.year, found.ambition.code, form.text.data, form.link.data or "", current_user
            )
        except services.ReportError as error:
            form.text.errors = [str(error)]
        else:
            db.session.commit()
            flash("The highlight has been added.", "success")
            return _back(found)
    return _narrative_page(found, highlight_form=form)
