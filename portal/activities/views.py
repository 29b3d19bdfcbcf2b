"""Activities: the list everyone may filter, each activity's page, and organisations' own pages."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from sqlalchemy import false, select

from ..core import csv_rows
from ..core.access import can_see, public
from ..core.csv_rows import BYTES_PER_MB
from ..core.export import csv_response
from ..core.forms import ambition_choices, ward_choices
from ..core.pagination import BROWSE_COUNT_CAP, paginate
from ..core.periods import period_choices, period_dates
from ..core.reference import all_ambitions, all_goals
from ..extensions import db
from ..orgs.access import member_of_org, require_can_publish
from ..orgs.models import ORGANISATION_KINDS, Network
from . import csv_import, links, rules, services
from .access import visible_activity
from .forms import ActivityFilterForm, ActivityForm, ImportForm
from .models import PARTNER_ACCEPTED, PARTNER_PENDING, Activity, ActivityImport

bp = Blueprint("activities", __name__)


def _period_choices() -> list[tuple[object, str]]:
    this_year = date.today().year
    return [("", "Any time")] + [(year, str(year)) for year in range(this_year + 1, 2019, -1)]


@bp.get("/activities")
@public
def index() -> ResponseReturnValue:
    form = ActivityFilterForm(request.args)
    form.ambition.choices = [("", "All Ambitions")] + ambition_choices()
    form.goal.choices = [("", "All goals")] + [
        (goal.id, f"{goal.code}: {goal.title}") for goal in all_goals()
    ]
    form.ward.choices = [("", "All wards")] + ward_choices()
    form.period.choices = _period_choices()
    form.started.choices = period_choices()
    form.network.choices = [("", "All networks")] + [
        (network.id, network.name)
        for network in db.session.scalars(select(Network).order_by(Network.name))
    ]
    form.org_kind.choices = [("", "All kinds"), *ORGANISATION_KINDS.items()]
    form.validate()
    year = form.period.data
    organisation = services.OrganisationLookup()
    if form.organisation.data:
        organisation = services.find_organisation(form.organisation.data)
        if organisation.problem:
            form.organisation.errors = [organisation.problem]
        else:
            form.organisation.data = organisation.name
    filters = {
        "ambition_id": form.ambition.data,
        "goal_id": form.goal.data,
        "ward_id": form.ward.data,
        "organisation_id": organisation.id,
        "period": (date(year, 1, 1), date(year, 12, 31)) if year and 2000 <= year <= 2100 else None,
        "started": period_dates(form.started.data),
        "network_id": form.network.data,
        "org_kind": form.org_kind.data if form.org_kind.data in ORGANISATION_KINDS else None,
        "keywords": form.q.data or "",
    }
    statement = services.activities_query(viewer=current_user, **filters)
    if organisation.problem:
        # An organisation that is not there matches nothing (the field says why).
        statement = statement.where(false())
    kept: dict[str, Any] = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "activities/index.html",
        form=form,
        page=paginate(statement, per_page=20, count_cap=BROWSE_COUNT_CAP),
        organisation=organisation,
        suggestions=[
            (name, url_for("activities.index", **{**kept, "organisation": str(organisation_id)}))
            for organisation_id, name in organisation.suggestions
        ],
        filtered=any(filters.values()) or bool(organisation.problem),
    )


@bp.get("/activities/<int:activity_id>")
@can_see(visible_activity, into="activity")
def detail(activity: Activity) -> ResponseReturnValue:
    can_edit = current_user.is_authenticated and (
        current_user.is_platform_admin
        or current_user.membership_of(activity.lead_organisation_id) is not None
    )
    return render_template(
        "activities/detail.html",
        activity=activity,
        can_edit=can_edit,
        related=links.related_for(activity),
    )


@bp.get("/orgs/<int:org_id>/activities")
@member_of_org()
def organisation_activities(org_id: int) -> ResponseReturnValue:
    page = paginate(services.organisation_activities_query(org_id), per_page=20)
    return render_template(
        "activities/organisation.html",
        organisation=g.org,
        page=page,
        imports=services.recent_imports(org_id),
        partner_requests=services.partner_tags_of(org_id, PARTNER_PENDING),
        partner_of=services.partner_tags_of(org_id, PARTNER_ACCEPTED),
    )


@bp.post(
    "/orgs/<int:org_id>/activities/<int:activity_id>/partner/<any(accept, decline, remove):action>"
)
@member_of_org()
def partner_tag(org_id: int, activity_id: int, action: str) -> ResponseReturnValue:
    """The organisation named as a partner (org_id) answers the tag, or removes it later."""
    tag = services.partner_tag_of(org_id, activity_id) or abort(404)
    title = tag.activity.title
    try:
        done = services.decide_partner_tag(tag, action, current_user)
    except services.PartnerTagError as error:
        flash(str(error), "info")
    else:
        db.session.commit()
        flash(
            f"You have {done} being named as a partner on ‘{title}’."
            + (" It now shows on the activity." if done == "accepted" else ""),
            "success",
        )
    return redirect(url_for("activities.organisation_activities", org_id=org_id))


def _activity_form(lead_id: int, activity: Activity | None = None) -> ActivityForm:
    goals = all_goals()
    ambitions = all_ambitions()
    form = ActivityForm(
        obj=activity,
        goal_infos={
            goal.id: rules.GoalInfo(goal.id, goal.code, goal.title, goal.ambition_id)
            for goal in goals
        },
        ambition_names={a.id: a.name for a in ambitions},
    )
    form.partners.choices = [(o.id, o.name) for o in services.partner_candidates(lead_id)]
    form.ambitions.choices = [(a.id, a.name) for a in ambitions]
    form.goals.choices = [(goal.id, f"{goal.ambition.name}: {goal.title}") for goal in goals]
    form.wards.choices = ward_choices()
    form.pledges.choices = links.pledge_choices(lead_id)
    form.matches.choices = links.match_choices(lead_id)
    if request.method == "GET":
        if activity is None:
            form.visibility.data = "public"
        else:
            form.partners.data = [t.organisation_id for t in activity.partner_tags]
            form.ambitions.data = [a.id for a in activity.ambitions]
            form.goals.data = [goal.id for goal in activity.goals]
            form.wards.data = [w.id for w in activity.wards]
            form.visibility.data = "public" if activity.is_public else "private"
            form.people_reached.data = str(activity.people_reached)
            form.volunteer_hours.data = f"{activity.volunteer_hours.normalize():f}"
            form.spend.data = activity.spend
            form.pledges.data = links.linked_pledge_ids(activity)
            form.matches.data = links.linked_match_ids(activity)
    return form


@bp.route("/orgs/<int:org_id>/activities/new", methods=["GET", "POST"])
@member_of_org()
def create(org_id: int) -> ResponseReturnValue:
    require_can_publish(g.org)
    form = _activity_form(org_id)
    if form.validate_on_submit():
        values = form.values()
        activity = services.create_activity(g.org, values, current_user)
        links.set_links(activity, values)
        db.session.commit()
        flash(f"The activity ‘{activity.title}’ has been recorded.", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/edit.html", form=form, organisation=g.org, activity=None)


def _lead_activity_or_404(org_id: int, activity_id: int) -> Activity:
    """An activity the organisation in the URL leads (partners may not edit or delete it)."""
    return services.lead_activity_or_none(org_id, activity_id) or abort(404)


@bp.route("/orgs/<int:org_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@member_of_org()
def edit(org_id: int, activity_id: int) -> ResponseReturnValue:
    activity = _lead_activity_or_404(org_id, activity_id)
    require_can_publish(g.org)  # a suspended organisation cannot change what it has published
    form = _activity_form(org_id, activity)
    if form.validate_on_submit():
        values = form.values()
        services.update_activity(activity, values, form.version.data)
        links.set_links(activity, values)
        db.session.commit()
        flash(f"Your changes to ‘{activity.title}’ have been saved.", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id))
    return render_template("activities/edit.html", form=form, organisation=g.org, activity=activity)


@bp.post("/orgs/<int:org_id>/activities/<int:activity_id>/delete")
@member_of_org()
def delete(org_id: int, activity_id: int) -> ResponseReturnValue:
    activity = _lead_activity_or_404(org_id, activity_id)
    title = activity.title
    links.clear_links(activity)
    services.delete_activity(activity)
    db.session.commit()
    flash(f"The activity ‘{title}’ has been deleted.", "success")
    return redirect(url_for("activities.organisation_activities", org_id=org_id))


@bp.get("/orgs/<int:org_id>/activities/import/template.csv")
@member_of_org()
def import_template(org_id: int) -> ResponseReturnValue:
    return csv_response(
        "activities-template.csv",
        csv_import.COLUMN_NAMES,
        (
            [row.get(name, "") for name in csv_import.COLUMN_NAMES]
            for row in csv_import.EXAMPLE_ROWS
        ),
        bom=True,  # the BOM makes Excel read it as UTF-8
    )


@bp.route("/orgs/<int:org_id>/activities/import", methods=["GET", "POST"])
@member_of_org()
def import_upload(org_id: int) -> ResponseReturnValue:
    require_can_publish(g.org)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        max_mb = current_app.config["MAX_UPLOAD_BYTES"] // BYTES_PER_MB
        try:
            text = csv_rows.decode(upload.read(max_mb * BYTES_PER_MB + 1), max_mb=max_mb)
            total = csv_rows.count_rows(csv_import.SPEC, text)
        except csv_rows.CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            activity_import = services.start_import(
                g.org, current_user, upload.filename or "", text, total
            )
            db.session.commit()
            return redirect(
                url_for("activities.import_status", org_id=org_id, import_id=activity_import.id)
            )
    return render_template(
        "activities/import.html",
        form=form,
        organisation=g.org,
        columns=csv_import.COLUMNS,
        goals=all_goals(),
        max_rows=csv_import.SPEC.max_rows,
    )


def _import_or_404(org_id: int, import_id: int) -> ActivityImport:
    return db.first_or_404(select(ActivityImport).filter_by(id=import_id, organisation_id=org_id))


@bp.get("/orgs/<int:org_id>/activities/imports/<int:import_id>")
@member_of_org()
def import_status(org_id: int, import_id: int) -> ResponseReturnValue:
    activity_import = _import_or_404(org_id, import_id)
    return render_template(
        "activities/import_status.html",
        organisation=g.org,
        activity_import=activity_import,
        errors=activity_import.errors,
    )


@bp.get("/orgs/<int:org_id>/activities/imports/<int:import_id>/progress.json")
@member_of_org()
def import_progress(org_id: int, import_id: int) -> ResponseReturnValue:
    activity_import = _import_or_404(org_id, import_id)
    return jsonify(activity_import.progress())


@bp.app_template_global("activity_panel_items")
def activity_panel_items(organisation_id: int) -> list[Activity]:
    """The organisation's latest public activities, for its public profile."""
    return services.public_activities_of(organisation_id)
