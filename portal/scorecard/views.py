"""The Ambitions scorecard: public headline and indicator pages; recording and importing values."""

from __future__ import annotations

from typing import Any

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
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..accounts.access import convenor_of, platform_admin
from ..core import csv_rows
from ..core.access import party_to, public
from ..core.charts import line_chart
from ..core.export import csv_response
from ..core.templating import count_of
from ..extensions import db
from . import services
from .access import indicator_or_404, indicator_to_record, own_import, value_to_delete
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


@bp.get("/")
@public
def index() -> ResponseReturnValue:
    return render_template(
        "scorecard/index.html",
        ambitions=services.scorecard_by_ambition(),
        illustrative=services.deprivation_is_illustrative(),
    )


@bp.get("/indicators/<code>")
@public
def indicator(code: str) -> ResponseReturnValue:
    indicator = indicator_or_404(code)
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
@convenor_of(indicator_to_record, into="indicator")
def record_value(indicator: Indicator) -> ResponseReturnValue:
    breakdown = request.args.get("breakdown", CITYWIDE)
    if not indicator.supports(breakdown):
        abort(404)
    form = ValueForm(
        frequency=indicator.frequency, unit=indicator.unit, valid=indicator.valid_range
    )
    categories = categories_for(breakdown, services.ward_names())
    form.category.choices = [(c, category_label(breakdown, c)) for c in categories]
    form.category.label.text = BREAKDOWN_LABELS[breakdown]
    if request.method == "GET" and request.args.get("period"):
        form.period.data = request.args["period"][:20]
    if breakdown == CITYWIDE:
        form.category.data = ""
    # The form's validators parse the period and value; None only if validation failed.
    valid = form.validate_on_submit()
    if valid and form.parsed_period is not None and form.parsed_value is not None:
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
@convenor_of(value_to_delete, into="entry")
def delete_value(entry: IndicatorValue) -> ResponseReturnValue:
    indicator = entry.indicator
    label = f"{entry.period}, {category_label(entry.breakdown, entry.category)}"
    back: dict[str, Any] = {}
    if entry.breakdown != CITYWIDE:
        back = {"breakdown": entry.breakdown, "period": str(entry.period)}
    services.delete_value(entry)
    db.session.commit()
    flash(f"Value deleted for {label}", "success")
    return redirect(url_for(".indicator", code=indicator.code, **back))


@bp.route("/import", methods=["GET", "POST"])
@convenor_of()
def import_values() -> ResponseReturnValue:
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
@convenor_of()
def import_template() -> ResponseReturnValue:
    return csv_response(
        "scorecard-values-template.csv",
        COLUMNS,
        [
            ["life-expectancy-female", "2025", "citywide", "", "82.1", "ONS", ""],
            ["life-expectancy-female", "2025", "ward", "Armley", "79.4", "ONS", ""],
            ["employment-rate", "2025 Q2", "sex", "Female", "71.5", "ONS APS", ""],
        ],
    )


@bp.get("/imports/<int:import_id>")
@convenor_of()
@party_to(own_import, into="entry")
def import_status(entry: ScorecardImport) -> ResponseReturnValue:
    return render_template(
        "scorecard/import_status.html",
        entry=entry,
        errors=entry.errors[:ERRORS_SHOWN],
        error_count=entry.error_count,
    )


@bp.get("/imports/<int:import_id>/progress.json")
@convenor_of()
@party_to(own_import, into="entry")
def import_progress(entry: ScorecardImport) -> ResponseReturnValue:
    return jsonify(entry.progress())


@bp.get("/imports/<int:import_id>/problems.csv")
@convenor_of()
@party_to(own_import, into="entry")
def import_problems(entry: ScorecardImport) -> ResponseReturnValue:
    return csv_response(
        f"scorecard-import-{entry.id}-problems.csv",
        ["row", "column", "message"],
        ([error.row or "", error.column, error.message] for error in entry.errors),
    )


@bp.get("/wards")
@public
def wards() -> ResponseReturnValue:
    return render_template(
        "scorecard/wards.html",
        rows=services.ward_deprivation_rows(),
        illustrative=services.deprivation_is_illustrative(),
    )


@bp.get("/wards/figures.csv")
@public
def ward_figures() -> ResponseReturnValue:
    return csv_response(
        "ward-deprivation.csv",
        ["ward", "share_most_deprived", "source", "decile", "population"],
        (
            [
                row.ward.name,
                f"{row.share_most_deprived:g}",
                row.source,
                row.decile,
                "" if row.population is None else row.population,
            ]
            for row in services.ward_deprivation_rows()
        ),
    )


@bp.route("/wards/upload", methods=["GET", "POST"])
@platform_admin
def upload_ward_figures() -> ResponseReturnValue:
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
