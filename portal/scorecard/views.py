"""The Ambitions scorecard: public headline and indicator pages; recording and importing values."""

from __future__ import annotations

import click
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..accounts.access import convenor_required, platform_admin_required
from ..core import csv_rows
from ..core.charts import line_chart
from ..core.export import csv_response
from ..core.templating import count_of
from ..extensions import db
from . import services
from .breakdowns import BREAKDOWN_LABELS, CITYWIDE, categories_for, category_label
from .csv_import import COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_MB, SPEC, check_deprivation_csv
from .forms import UploadForm, ValueForm
from .models import Indicator, IndicatorValue, ScorecardImport
from .periods import parse_period
from .trends import latest_change

bp = Blueprint("scorecard", __name__, url_prefix="/scorecard")
ERRORS_SHOWN = 200


@bp.cli.command("load-reference")
def load_reference_command() -> None:
    """Load the scorecard indicators and illustrative ward deprivation figures (safe to re-run)."""
    indicators, wards = services.load_reference()
    db.session.commit()
    click.echo(
        f"Scorecard: {indicators} indicators; illustrative deprivation added for {wards} wards."
    )


@bp.after_request
def close_uploads(response: Response) -> Response:
    # Large uploads are spooled to temporary files: close them as soon as the request is done.
    for upload in request.files.values():
        upload.close()
    return response


def _indicator_or_404(code: str) -> Indicator:
    indicator = services.indicator_by_code(code[:60])
    if indicator is None:
        abort(404)
    return indicator


def _require_convenes(indicator: Indicator) -> None:
    if not current_user.convenes(indicator.ambition_id):
        abort(
            403, f"Only convenors of the {indicator.ambition.name} Ambition can record its values."
        )


@bp.get("/")
def index():
    return render_template(
        "scorecard/index.html",
        ambitions=services.scorecard_by_ambition(),
        illustrative=services.deprivation_is_illustrative(),
    )


@bp.get("/indicators/<code>")
def indicator(code: str):
    indicator = _indicator_or_404(code)
    series = services.citywide_series(indicator)
    change = latest_change([(v.period, v.value) for v in series], indicator.direction)
    chart = line_chart([(str(v.period), v.value) for v in series])
    periods = services.periods_with_breakdowns(indicator)
    breakdown = request.args.get("breakdown", "")
    if breakdown not in indicator.breakdowns:
        breakdown = indicator.breakdowns[0] if indicator.breakdowns else ""
    period = parse_period(request.args.get("period"))
    if period not in periods:
        period = periods[0] if periods else (series[-1].period if series else None)
    view = services.breakdown_values(indicator, breakdown, period) if breakdown and period else None
    can_record = current_user.is_authenticated and current_user.convenes(indicator.ambition_id)
    return render_template(
        "scorecard/indicator.html",
        indicator=indicator,
        series=series,
        change=change,
        chart=chart,
        periods=periods,
        breakdown=breakdown,
        period=period,
        view=view,
        can_record=can_record,
        breakdown_labels=BREAKDOWN_LABELS,
        breakdown_names=", ".join(BREAKDOWN_LABELS[key] for key in indicator.breakdowns),
        illustrative=services.deprivation_is_illustrative(),
    )


@bp.route("/indicators/<code>/values/new", methods=["GET", "POST"])
@login_required
def record_value(code: str):
    indicator = _indicator_or_404(code)
    _require_convenes(indicator)
    breakdown = request.args.get("breakdown", CITYWIDE)
    if not indicator.supports(breakdown):
        abort(404)
    form = ValueForm(frequency=indicator.frequency, unit=indicator.unit)
    categories = categories_for(breakdown, services.ward_names())
    form.category.choices = [(c, category_label(breakdown, c)) for c in categories]
    form.category.label.text = BREAKDOWN_LABELS[breakdown]
    if request.method == "GET" and request.args.get("period"):
        form.period.data = request.args["period"][:20]
    if breakdown == CITYWIDE:
        form.category.data = ""
    if form.validate_on_submit():
        services.record_value(
            indicator,
            form.parsed_period,
            breakdown,
            form.category.data,
            form.parsed_value,
            source=form.source.data or "",
            notes=form.notes.data or "",
            user=current_user,
        )
        db.session.commit()
        flash(
            f"Value saved for {form.parsed_period}, "
            f"{category_label(breakdown, form.category.data)}",
            "success",
        )
        return redirect(
            url_for(
                ".indicator",
                code=indicator.code,
                breakdown=breakdown if breakdown != CITYWIDE else None,
                period=str(form.parsed_period),
            )
        )
    return render_template(
        "scorecard/record_value.html",
        form=form,
        indicator=indicator,
        breakdown=breakdown,
        breakdown_labels=BREAKDOWN_LABELS,
    )


@bp.post("/values/<int:value_id>/delete")
@login_required
def delete_value(value_id: int):
    entry = db.session.get(IndicatorValue, value_id)
    if entry is None:
        abort(404)
    indicator = entry.indicator
    _require_convenes(indicator)
    label = f"{entry.period}, {category_label(entry.breakdown, entry.category)}"
    back = {}
    if entry.breakdown != CITYWIDE:
        back = {"breakdown": entry.breakdown, "period": str(entry.period)}
    services.delete_value(entry)
    db.session.commit()
    flash(f"Value deleted for {label}", "success")
    return redirect(url_for(".indicator", code=indicator.code, **back))


@bp.route("/import", methods=["GET", "POST"])
@convenor_required
def import_values():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = csv_rows.decode(upload.stream.read(MAX_IMPORT_BYTES + 1), max_mb=MAX_IMPORT_MB)
            total = csv_rows.count_rows(SPEC, text)
        except csv_rows.CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            entry = services.start_import(
                current_user, upload.filename or "upload.csv", text, total
            )
            db.session.commit()
            return redirect(url_for(".import_status", import_id=entry.id))
    return render_template(
        "scorecard/import.html",
        form=form,
        imports=services.imports_for(current_user),
        ambitions=current_user.convenor_ambitions,
    )


@bp.get("/import/template.csv")
@convenor_required
def import_template():
    return csv_response(
        "scorecard-values-template.csv",
        COLUMNS,
        [
            ["life-expectancy-female", "2025", "citywide", "", "82.1", "ONS", ""],
            ["life-expectancy-female", "2025", "ward", "Armley", "79.4", "ONS", ""],
            ["employment-rate", "2025 Q2", "sex", "Female", "71.5", "ONS APS", ""],
        ],
    )


def _import_or_404(import_id: int) -> ScorecardImport:
    entry = db.session.get(ScorecardImport, import_id)
    if entry is None:
        abort(404)
    if entry.created_by_id != current_user.id and not current_user.is_platform_admin:
        abort(404)  # someone else's import: do not reveal that it exists
    return entry


@bp.get("/imports/<int:import_id>")
@convenor_required
def import_status(import_id: int):
    entry = _import_or_404(import_id)
    return render_template(
        "scorecard/import_status.html",
        entry=entry,
        errors=entry.errors[:ERRORS_SHOWN],
        error_count=entry.error_count,
    )


@bp.get("/imports/<int:import_id>/progress.json")
@convenor_required
def import_progress(import_id: int):
    entry = _import_or_404(import_id)
    return jsonify(entry.progress())


@bp.get("/imports/<int:import_id>/problems.csv")
@convenor_required
def import_problems(import_id: int):
    entry = _import_or_404(import_id)
    return csv_response(
        f"scorecard-import-{entry.id}-problems.csv",
        ["row", "column", "message"],
        ([error.row or "", error.column, error.message] for error in entry.errors),
    )


@bp.get("/wards")
def wards():
    return render_template(
        "scorecard/wards.html",
        rows=services.ward_deprivation_rows(),
        illustrative=services.deprivation_is_illustrative(),
    )


@bp.get("/wards/figures.csv")
def ward_figures():
    return csv_response(
        "ward-deprivation.csv",
        ["ward", "share_most_deprived", "source", "decile"],
        (
            [row.ward.name, f"{row.share_most_deprived:g}", row.source, row.decile]
            for row in services.ward_deprivation_rows()
        ),
    )


@bp.route("/wards/upload", methods=["GET", "POST"])
@platform_admin_required
def upload_ward_figures():
    form = UploadForm()
    form.submit.label.text = "Upload and replace"
    problems: list[csv_rows.RowError] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            text = csv_rows.decode(upload.stream.read(MAX_IMPORT_BYTES + 1), max_mb=MAX_IMPORT_MB)
        except csv_rows.CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            rows, problems = check_deprivation_csv(text, services.ward_lookup())
            if problems:
                form.file.errors.append(
                    f"The file has {count_of(len(problems), 'problem')}: nothing was changed. "
                    "See the list below."
                )
            else:
                services.replace_ward_deprivation(rows, upload.filename or "upload.csv")
                db.session.commit()
                flash(f"Ward deprivation figures replaced for {len(rows)} wards", "success")
                return redirect(url_for(".wards"))
    return render_template("scorecard/upload_wards.html", form=form, problems=problems)
