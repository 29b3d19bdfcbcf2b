"""Social Value Charter pledges: the public wall, pledge pages, organisation dashboards and the
catalogue's admin pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import click
from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.access import platform_admin
from ..core.access import can_see, public
from ..core.charts import progress_chart
from ..core.export import csv_response
from ..core.forms import ambition_choices, goal_choices, ward_choices
from ..core.goals import GoalInfo
from ..core.models import utcnow
from ..core.pagination import paginate
from ..core.reference import all_ambitions, all_goals
from ..core.templating import format_date
from ..extensions import db
from ..jobs import enqueue_after_commit
from ..orgs.access import is_org_member, member_of_org
from . import export as pledge_export
from . import jobs, links, services, standing
from . import status as rules
from .access import visible_pledge
from .catalogue import ensure_catalogue, load_catalogue
from .forms import (
    CorrectionForm,
    LinkExchangeForm,
    PledgeForm,
    PrepareExportForm,
    ProgressUpdateForm,
    ProxyValueForm,
    RevisionForm,
    WallFilterForm,
    WithdrawReportForm,
)
from .models import (
    REVISABLE_FIELDS,
    Pledge,
    PledgeExchangeLink,
    PledgeExport,
    PledgeStanding,
    ProgressUpdate,
    SocialValueMeasure,
)
from .valuation import money

bp = Blueprint("pledges", __name__)


@bp.cli.command("load-catalogue")
def load_catalogue_command() -> None:
    """Load the charter principles and social value measure catalogue (safe to run again)."""
    added = load_catalogue()
    db.session.commit()
    click.echo(
        f"Catalogue loaded: {added['principles']} principles, {added['measures']} measures and "
        f"{added['proxies']} proxy values added."
    )


@bp.cli.command("refresh-standing")
def refresh_standing_command() -> None:
    """Recompute every pledge's stored standing from its reports, revisions and links."""
    standing.refresh_standing()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(PledgeStanding))
    click.echo(f"Standing refreshed for {count} pledge{'s' if count != 1 else ''}.")


# ---------------------------------------------------------------- public pages


def _wall_filters() -> tuple[WallFilterForm, dict[str, Any]]:
    form = WallFilterForm(request.args)
    form.ambition.choices = [("", "All Ambitions"), *ambition_choices()]
    form.principle.choices = [
        ("", "All principles"),
        *((p.id, p.name) for p in services.all_principles()),
    ]
    form.ward.choices = [("", "All wards"), *ward_choices()]
    filters: dict[str, Any] = {}
    if form.validate():
        filters = {
            "ambition_id": form.ambition.data,
            "principle_id": form.principle.data,
            "kind": form.kind.data or None,
            "ward_id": form.ward.data,
        }
    return form, filters


@bp.get("/pledges")
@public
def wall() -> ResponseReturnValue:
    form, filters = _wall_filters()
    statement = services.public_pledges_query(**filters)
    totals = services.public_totals(statement)
    # The totals count the same pledges: the page needs no count query of its own.
    page = paginate(services.as_listed(statement), per_page=20, total=totals.count)
    return render_template(
        "pledges/wall.html",
        form=form,
        page=page,
        progresses=services.progress_for(page.items),
        totals=totals,
        filtered=any(filters.values()),
        export_args=request.args.to_dict(),
    )


@bp.get("/pledges/export.csv")
@public
def export() -> ResponseReturnValue:
    """The public wall as CSV, with the same filters. Private pledges are never included.

    Streamed from server-side cursors up to `PLEDGE_EXPORT_STREAM_MAX` pledges; a larger one is
    offered as a file a job prepares."""
    _form, filters = _wall_filters()
    statement = services.public_pledges_query(**filters)
    most = current_app.config["PLEDGE_EXPORT_STREAM_MAX"]
    if services.matched_count(statement, most) > most:
        return render_template(
            "pledges/export_large.html",
            form=PrepareExportForm(),
            most=most,
            export_args=request.args.to_dict(),
        )
    return csv_response(
        "leeds-pledges.csv",
        pledge_export.HEADER,
        pledge_export.export_rows(statement, revision_text=revision_sentence),
    )


@bp.post("/pledges/export")
@public
def prepare_export() -> ResponseReturnValue:
    """Prepare (or reuse, within the day) the large CSV for the wall's filters."""
    if not PrepareExportForm().validate_on_submit():
        flash("Your session expired. Try preparing the file again.")
        args: dict[str, Any] = request.args.to_dict()
        return redirect(url_for("pledges.export", **args))
    _form, filters = _wall_filters()
    prepared, new = services.request_export(filters)
    if new:
        enqueue_after_commit(jobs.prepare_pledge_export, prepared.id)
    db.session.commit()
    return redirect(url_for("pledges.export_status", export_id=prepared.id))


@bp.get("/pledges/export/<int:export_id>")
@public
def export_status(export_id: int) -> ResponseReturnValue:
    prepared = db.get_or_404(PledgeExport, export_id)
    return render_template("pledges/export_status.html", export=prepared)


@bp.get("/pledges/export/<int:export_id>/file")
@public
def export_file(export_id: int) -> ResponseReturnValue:
    prepared = db.get_or_404(PledgeExport, export_id)
    path = jobs.export_path(prepared)
    if not prepared.is_ready or not path.exists():
        return redirect(url_for("pledges.export_status", export_id=export_id))
    return send_file(
        path, mimetype="text/csv", as_attachment=True, download_name="leeds-pledges.csv"
    )


def _public_record(item: services.Progress) -> dict[str, object]:
    pledge = item.pledge
    return {
        "id": pledge.id,
        "url": url_for("pledges.detail", pledge_id=pledge.id, _external=True),
        "title": pledge.title,
        "organisation": {
            "id": pledge.organisation_id,
            "name": pledge.organisation.name,
            "kind": pledge.organisation.kind,
        },
        "measure": {
            "code": pledge.measure.code,
            "name": pledge.measure.name,
            "unit": pledge.measure.unit_label,
        },
        "baseline": str(pledge.baseline),
        "target": str(pledge.target),
        "start_date": pledge.start_date.isoformat(),
        "end_date": pledge.end_date.isoformat(),
        "citywide": pledge.citywide,
        "wards": [{"name": w.name, "ons_code": w.ons_code} for w in pledge.wards],
        "ambitions": [a.code for a in pledge.ambitions],
        "goals": [goal.code for goal in pledge.goals],
        "principles": [p.code for p in pledge.principles],
        "status": item.status,
        "promised_units": str(item.promised_units),
        "delivered_units": str(item.delivered_units),
        "promised_value_gbp": str(item.promised_value),
        "delivered_value_gbp": str(item.delivered_value),
        "original_promised_units": str(item.original_units),
        "original_promised_value_gbp": str(item.original_value),
        "revisions": [
            {
                "field": r.field,
                "old": r.old_value,
                "new": r.new_value,
                "reason": r.reason,
                "on": r.created_at.date().isoformat(),
                "text": revision_sentence(r),
            }
            for r in pledge.revisions
        ],
    }


@bp.get("/pledges.json")
@public
def api() -> ResponseReturnValue:
    """Public pledges as JSON, with the wall's filters, 100 a page. Never private ones."""
    _form, filters = _wall_filters()
    page = paginate(services.public_pledges_query(**filters), per_page=100)
    return {
        "page": page.page,
        "pages": max(page.pages, 1),
        "total": page.total,
        "pledges": [_public_record(item) for item in services.progress_for(page.items)],
    }


@bp.get("/pledges/how-we-calculate")
@public
def method() -> ResponseReturnValue:
    _catalogue_ready()
    return render_template(
        "pledges/method.html",
        principles=services.all_principles(),
        measures=services.all_measures(),
        rules=rules,
    )


@bp.get("/pledges/<int:pledge_id>")
@can_see(visible_pledge, into="pledge")
def detail(pledge: Pledge) -> ResponseReturnValue:
    progress = services.progress_for([pledge])[0]
    cumulative, running = [], Decimal(0)
    rows = []
    book = services.proxy_book()
    for delivery in progress.deliveries:
        running += delivery.units
        cumulative.append((delivery.on, running))
        rows.append(
            {
                "delivery": delivery,
                "cumulative": running,
                "expected": rules.expected_units(
                    pledge.start_date, pledge.end_date, progress.promised_units, delivery.on
                ),
                "value": book.delivered_value(pledge.measure_id, [(delivery.on, delivery.units)]),
                "proxy": book.value(pledge.measure_id, delivery.on.year),
            }
        )
    chart = progress_chart(
        start=pledge.start_date,
        end=pledge.end_date,
        promised=progress.promised_units,
        cumulative=cumulative,
    )
    return render_template(
        "pledges/detail.html",
        pledge=pledge,
        progress=progress,
        chart=chart,
        rows=rows,
        updates={u.id: u for u in pledge.updates},
        history=sorted(pledge.updates, key=lambda u: (u.period_start, u.created_at, u.id)),
        can_edit=is_org_member(pledge.organisation_id),
        link_exchanges_url=url_for(
            "pledges.exchanges", org_id=pledge.organisation_id, pledge_id=pledge.id
        ),
    )


# ---------------------------------------------------------------- organisation pages


def _org_pledge_or_404(org_id: int, pledge_id: int) -> Pledge:
    return db.first_or_404(select(Pledge).filter_by(id=pledge_id, organisation_id=org_id))


@bp.get("/orgs/<int:org_id>/pledges")
@member_of_org()
def dashboard(org_id: int) -> ResponseReturnValue:
    progresses = services.progress_for(services.organisation_pledges(org_id, listed=True))
    return render_template(
        "pledges/dashboard.html",
        organisation=g.org,
        progresses=progresses,
        totals=services.totals(progresses),
        labels=rules.STATUS_LABELS,
    )


def _catalogue_ready() -> None:
    """A fresh install loads the shipped catalogue the first time someone needs it."""
    if ensure_catalogue():
        db.session.commit()


def _pledge_form(pledge: Pledge | None = None) -> PledgeForm:
    _catalogue_ready()
    measures = {m.id: m for m in services.all_measures()}
    form = PledgeForm(obj=pledge, measures=measures)
    form.measure.choices = [("", "Choose a measure")] + [
        (m.id, f"{m.theme_label}: {m.name} ({m.unit_label})") for m in measures.values()
    ]
    form.principles.choices = [(p.id, p.name) for p in services.all_principles()]
    form.wards.choices = ward_choices()
    form.ambitions.choices = ambition_choices()
    form.goals.choices = goal_choices()
    form.goal_infos = {
        goal.id: GoalInfo(goal.id, goal.code, goal.title, goal.ambition_id) for goal in all_goals()
    }
    form.ambition_names = {ambition.id: ambition.name for ambition in all_ambitions()}
    if pledge is not None and request.method == "GET":
        form.measure.data = pledge.measure_id
        form.principles.data = [p.id for p in pledge.principles]
        form.wards.data = [w.id for w in pledge.wards]
        form.ambitions.data = [a.id for a in pledge.ambitions]
        form.goals.data = [goal.id for goal in pledge.goals]
        form.visibility.data = "public" if pledge.is_public else "private"
    return form


def _publishing_allowed(form: PledgeForm) -> bool:
    if form.visibility.data == "public" and not g.org.can_publish:
        form.visibility.errors.append(
            "Your organisation must be approved before it can publish a pledge. "
            "Choose 'Only members of our organisation' for now"
        )
        return False
    return True


def _measure_unchanged_once_reported(form: PledgeForm, pledge: Pledge) -> bool:
    # Reports are in the measure's unit: changing it would silently reinterpret them.
    reported = pledge.updates or links.links_for_pledge(pledge.id)
    if reported and form.measure.data != pledge.measure_id:
        form.measure.errors.append(
            "You cannot change the measure once progress has been reported. "
            "Make a new pledge for the new measure"
        )
        return False
    return True


def _promise_unchanged_once_reported(form: PledgeForm, pledge: Pledge) -> bool:
    # After the first report the promise changes only through a revision with a reason.
    if not services.has_reports(pledge):
        return True
    unchanged = True
    for name, label in REVISABLE_FIELDS.items():
        field = getattr(form, name)
        if field.data is not None and field.data != getattr(pledge, name):
            field.errors.append(
                f"{label} cannot be changed here once progress has been reported. "
                "Use “Revise the promise” and give a reason"
            )
            unchanged = False
    return unchanged


@bp.route("/orgs/<int:org_id>/pledges/new", methods=["GET", "POST"])
@member_of_org()
def new(org_id: int) -> ResponseReturnValue:
    form = _pledge_form()
    if form.validate_on_submit() and _publishing_allowed(form):
        pledge = services.create_pledge(g.org, form.data, current_user.id)
        db.session.commit()
        flash(f"Your pledge “{pledge.title}” has been saved.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template(
        "pledges/edit.html", form=form, organisation=g.org, pledge=None, measures=form.measures
    )


@bp.route("/orgs/<int:org_id>/pledges/<int:pledge_id>/edit", methods=["GET", "POST"])
@member_of_org()
def edit(org_id: int, pledge_id: int) -> ResponseReturnValue:
    pledge = _org_pledge_or_404(org_id, pledge_id)
    form = _pledge_form(pledge)
    if (
        form.validate_on_submit()
        and _publishing_allowed(form)
        and _measure_unchanged_once_reported(form, pledge)
        and _promise_unchanged_once_reported(form, pledge)
    ):
        services.update_pledge(pledge, form.data)
        db.session.commit()
        flash("The pledge has been saved.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template(
        "pledges/edit.html",
        form=form,
        organisation=g.org,
        pledge=pledge,
        measures=form.measures,
        reported=services.has_reports(pledge),
    )


@bp.route("/orgs/<int:org_id>/pledges/<int:pledge_id>/revise", methods=["GET", "POST"])
@member_of_org()
def revise(org_id: int, pledge_id: int) -> ResponseReturnValue:
    pledge = _org_pledge_or_404(org_id, pledge_id)
    form = RevisionForm(obj=pledge, pledge=pledge)
    if request.method == "GET":
        form.reason.data = ""
    if form.validate_on_submit():
        services.revise_pledge(
            pledge,
            {name: getattr(form, name).data for name in REVISABLE_FIELDS},
            form.reason.data,
            current_user.id,
            form.version.data,
        )
        db.session.commit()
        flash("The promise has been revised. The pledge page shows the revision.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template("pledges/revise.html", form=form, organisation=g.org, pledge=pledge)


def _org_report_or_404(org_id: int, pledge_id: int, update_id: int) -> ProgressUpdate:
    pledge = _org_pledge_or_404(org_id, pledge_id)
    return db.first_or_404(select(ProgressUpdate).filter_by(id=update_id, pledge_id=pledge.id))


@bp.route(
    "/orgs/<int:org_id>/pledges/<int:pledge_id>/progress/<int:update_id>/correct",
    methods=["GET", "POST"],
)
@member_of_org()
def correct_progress(org_id: int, pledge_id: int, update_id: int) -> ResponseReturnValue:
    update = _org_report_or_404(org_id, pledge_id, update_id)
    pledge = update.pledge
    form = CorrectionForm(obj=update, pledge=pledge, replacing=update)
    if request.method == "GET":
        form.reason.data = ""
    if not update.is_current:
        flash("This report has already been corrected or withdrawn.", "error")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    if form.validate_on_submit():
        services.correct_progress_update(update, form.data, form.reason.data, current_user.id)
        db.session.commit()
        flash("The report has been corrected. The original stays in the history.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template(
        "pledges/progress.html", form=form, organisation=g.org, pledge=pledge, correcting=update
    )


@bp.route(
    "/orgs/<int:org_id>/pledges/<int:pledge_id>/progress/<int:update_id>/withdraw",
    methods=["GET", "POST"],
)
@member_of_org()
def withdraw_progress(org_id: int, pledge_id: int, update_id: int) -> ResponseReturnValue:
    update = _org_report_or_404(org_id, pledge_id, update_id)
    pledge = update.pledge
    if not update.is_current:
        flash("This report has already been corrected or withdrawn.", "error")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    form = WithdrawReportForm(obj=update)
    if form.validate_on_submit():
        services.withdraw_progress_update(update, form.reason.data, form.version.data)
        db.session.commit()
        flash("The report has been withdrawn. It stays in the history.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template(
        "pledges/withdraw.html", form=form, organisation=g.org, pledge=pledge, update=update
    )


@bp.route("/orgs/<int:org_id>/pledges/<int:pledge_id>/progress", methods=["GET", "POST"])
@member_of_org()
def report_progress(org_id: int, pledge_id: int) -> ResponseReturnValue:
    pledge = _org_pledge_or_404(org_id, pledge_id)
    form = ProgressUpdateForm(pledge=pledge)
    if form.validate_on_submit():
        services.add_progress_update(pledge, form.data, current_user.id)
        db.session.commit()
        # The URL's own id, not pledge.id: the commit expired the pledge, and reloading it could
        # fail (database restarting) after the report was saved, showing an error for a save.
        flash("Your progress report has been saved.", "success")
        return redirect(url_for("pledges.detail", pledge_id=pledge_id))
    return render_template("pledges/progress.html", form=form, organisation=g.org, pledge=pledge)


@bp.route("/orgs/<int:org_id>/pledges/<int:pledge_id>/exchanges", methods=["GET", "POST"])
@member_of_org()
def exchanges(org_id: int, pledge_id: int) -> ResponseReturnValue:
    from ..exchange.models import ExchangeMatch

    pledge = _org_pledge_or_404(org_id, pledge_id)
    matches = links.linkable_matches(org_id)
    form = LinkExchangeForm(measure=pledge.measure)
    form.match.choices = [
        (
            match.id,
            f"{match.title}: {match.delivered_label} for {match.request_organisation.name}, "
            f"delivered {format_date(match.delivered_at)}",
        )
        for match in matches
    ]
    if form.validate_on_submit() and form.quantity.data is not None:
        match = db.get_or_404(ExchangeMatch, form.match.data)
        try:
            links.link_exchange(pledge, match, form.quantity.data, current_user.id)
            db.session.commit()
        except links.LinkError as error:
            form.match.errors.append(str(error))
        except IntegrityError:  # someone linked the same exchange a moment earlier
            db.session.rollback()
            form.match.errors.append("That exchange already counts towards a pledge")
        else:
            flash("The exchange now counts towards this pledge.", "success")
            return redirect(url_for("pledges.detail", pledge_id=pledge_id))
    return render_template(
        "pledges/exchanges.html",
        form=form,
        organisation=g.org,
        pledge=pledge,
        current_links=links.links_for_pledge(pledge_id),
        has_matches=bool(matches),
    )


@bp.post("/orgs/<int:org_id>/pledges/<int:pledge_id>/exchanges/<int:link_id>/remove")
@member_of_org()
def unlink_exchange(org_id: int, pledge_id: int, link_id: int) -> ResponseReturnValue:
    pledge = _org_pledge_or_404(org_id, pledge_id)
    link = db.first_or_404(select(PledgeExchangeLink).filter_by(id=link_id, pledge_id=pledge.id))
    links.unlink_exchange(link)
    db.session.commit()
    flash("The exchange no longer counts towards this pledge.", "success")
    return redirect(url_for("pledges.exchanges", org_id=org_id, pledge_id=pledge_id))


# ---------------------------------------------------------------- administration

# The overdue list counts at most this many ("more than 1,000 overdue pledges"): past it the
# count is the page's biggest cost, and a thousand is already a call to act, not a number to read.
OVERDUE_COUNT_CAP = 1_000


@bp.get("/pledges/admin/overdue")
@platform_admin
def admin_overdue() -> ResponseReturnValue:
    today = utcnow().date()
    page = paginate(
        services.as_listed(services.overdue_pledges_query(today), wards=False),
        count_cap=OVERDUE_COUNT_CAP,
    )
    return render_template(
        "pledges/admin_overdue.html",
        page=page,
        progresses=services.progress_for(page.items, today),
        today=today,
    )


@bp.get("/pledges/admin/measures")
@platform_admin
def admin_measures() -> ResponseReturnValue:
    _catalogue_ready()
    return render_template("pledges/admin_measures.html", measures=services.all_measures())


@bp.route("/pledges/admin/measures/<int:measure_id>/proxy", methods=["GET", "POST"])
@platform_admin
def admin_proxy(measure_id: int) -> ResponseReturnValue:
    measure = db.get_or_404(SocialValueMeasure, measure_id)
    form = ProxyValueForm()
    if request.method == "GET":
        latest = measure.proxies[-1] if measure.proxies else None
        form.year.data = str(utcnow().year + 1)
        if latest is not None:
            form.source.data = latest.source
    if form.validate_on_submit() and form.value.data is not None:
        services.set_proxy_value(
            measure,
            year=int(form.year.data),
            value=form.value.data,
            source=form.source.data,
            method=form.method.data,
            user_id=current_user.id,
        )
        db.session.commit()
        flash(
            f"The {form.year.data} proxy for {measure.name} is now "
            f"{format_proxy(form.value.data)}.",
            "success",
        )
        return redirect(url_for("pledges.admin_measures"))
    return render_template("pledges/admin_proxy.html", form=form, measure=measure)


@bp.app_template_global("pledge_panel_summary")
def pledge_panel_summary(organisation_id: int, public_only: bool = False) -> services.Totals:
    """Totals for the organisation panels the foundation includes on its pages."""
    return services.organisation_totals(organisation_id, public_only=public_only)


@bp.app_template_filter("in_unit")
def format_in_unit(value: Decimal | int | float | None, measure: SocialValueMeasure) -> str:
    """A quantity with its measure's unit: '£1,300,000' for money, '110 weeks' otherwise."""
    if measure.unit == "gbp":
        return f"£{format_units(value)}"
    return f"{format_units(value)} {measure.unit_label}"


@bp.app_template_filter("units")
def format_units(value: Decimal | int | float | None) -> str:
    """A quantity with thousands separators and decimals only when it has them: 1,250 or 12.5."""
    number = Decimal(value or 0)
    if number == number.to_integral():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0")


@bp.app_template_filter("revision_sentence")
def revision_sentence(revision: Any) -> str:
    """'Target revised from 20 to 5 on 1 December 2026'."""
    if revision.field.endswith("_date"):
        old, new = format_date(revision.old_value_typed), format_date(revision.new_value_typed)
    else:
        old, new = format_units(revision.old_value_typed), format_units(revision.new_value_typed)
    return (
        f"{revision.field_label} revised from {old} to {new} on {format_date(revision.created_at)}"
    )


@bp.app_template_filter("pounds")
def format_pounds(value: Decimal | int | float | None) -> str:
    """Social value in whole pounds, rounded half up the same way everywhere: £153,987."""
    number = money(Decimal(value or 0)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "−" if number < 0 else ""
    return f"{sign}£{abs(number):,.0f}"


@bp.app_template_filter("proxy_pounds")
def format_proxy(value: Decimal | int | float | None) -> str:
    """A proxy, £ per unit, to the penny: £19.19."""
    return f"£{money(Decimal(value or 0)):,.2f}"
