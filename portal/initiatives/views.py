"""Initiative pages: an activity's page for its partners, where they post progress and
record (and correct) their own contributions."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..activities.models import Activity
from ..core.access import can_see
from ..core.pagination import paginate
from ..extensions import db
from ..orgs.access import member_of_org, require_can_publish
from ..orgs.models import Organisation
from . import services
from .access import initiative_of_partner, partner_ids, visible_initiative
from .forms import ContributionForm, CorrectionForm, UpdateForm

bp = Blueprint("initiatives", __name__)


@bp.app_template_global("initiatives_panel")
def initiatives_panel(organisation_id: int) -> dict[str, object]:
    """The organisation home's panel: its figures (roll-up rule 2) and its initiatives."""
    return {
        "figures": services.organisation_figures(organisation_id),
        "initiatives": services.initiatives_of(organisation_id),
    }


def _my_partner_organisations(activity: Activity) -> list[Organisation]:
    """The partner organisations the signed-in person can act for on this initiative."""
    if not current_user.is_authenticated:
        return []
    partners = [activity.lead_organisation, *activity.partners]
    if current_user.is_platform_admin:
        return partners
    mine = {m.organisation_id for m in current_user.memberships}
    return [o for o in partners if o.id in mine]


@bp.get("/initiatives/<int:activity_id>")
@can_see(visible_initiative, into="activity")
def detail(activity: Activity) -> ResponseReturnValue:
    contributions = services.contributions_of(activity.id)
    is_partner = current_user.is_authenticated and (
        current_user.is_platform_admin
        or any(m.organisation_id in partner_ids(activity) for m in current_user.memberships)
    )
    return render_template(
        "initiatives/detail.html",
        activity=activity,
        updates=paginate(services.updates_query(activity.id), per_page=10),
        contributions=contributions,
        totals=services.totals_of(contributions),
        corrected=services.contributions_of(activity.id, current=False) if is_partner else [],
        my_partners=_my_partner_organisations(activity),
    )


def _back(activity: Activity) -> ResponseReturnValue:
    return redirect(url_for("initiatives.detail", activity_id=activity.id))


@bp.route("/orgs/<int:org_id>/initiatives/<int:activity_id>/updates/new", methods=["GET", "POST"])
@member_of_org()
def post_update(org_id: int, activity_id: int) -> ResponseReturnValue:
    activity = initiative_of_partner(org_id, activity_id)
    require_can_publish(g.org)
    form = UpdateForm()
    if form.validate_on_submit():
        services.post_update(activity, g.org, form.body.data, current_user)
        db.session.commit()
        flash(f"Your update on ‘{activity.title}’ has been posted.", "success")
        return _back(activity)
    return render_template(
        "initiatives/update.html", form=form, activity=activity, organisation=g.org
    )


@bp.route(
    "/orgs/<int:org_id>/initiatives/<int:activity_id>/contributions/new", methods=["GET", "POST"]
)
@member_of_org()
def record_contribution(org_id: int, activity_id: int) -> ResponseReturnValue:
    activity = initiative_of_partner(org_id, activity_id)
    require_can_publish(g.org)
    form = ContributionForm()
    if form.validate_on_submit():
        try:
            services.record_contribution(activity, g.org, form.values(), current_user)
        except services.ContributionError as error:
            form.volunteer_hours.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{g.org.name}'s contribution to ‘{activity.title}’ has been saved.", "success")
            return _back(activity)
    return render_template(
        "initiatives/contribution.html",
        form=form,
        activity=activity,
        organisation=g.org,
        contribution=None,
    )


@bp.route(
    "/orgs/<int:org_id>/initiatives/<int:activity_id>/contributions/<int:contribution_id>/correct",
    methods=["GET", "POST"],
)
@member_of_org()
def correct_contribution(
    org_id: int, activity_id: int, contribution_id: int
) -> ResponseReturnValue:
    """Only the organisation that made a contribution corrects it (anyone else's is a 404)."""
    activity = initiative_of_partner(org_id, activity_id)
    contribution = services.contribution_of(org_id, activity_id, contribution_id) or abort(404)
    require_can_publish(g.org)
    if not contribution.is_current:
        flash("This contribution has already been corrected: correct the latest one.", "info")
        return _back(activity)
    form = CorrectionForm(obj=contribution)
    if form.validate_on_submit():
        try:
            services.correct_contribution(
                contribution, form.values(), form.reason.data, current_user
            )
        except services.ContributionError as error:
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                "The contribution has been corrected. The original is kept in the history.",
                "success",
            )
            return _back(activity)
    return render_template(
        "initiatives/contribution.html",
        form=form,
        activity=activity,
        organisation=g.org,
        contribution=contribution,
    )


@bp.app_template_filter("initiative_hours")
def initiative_hours(value: Decimal | int) -> str:
    """Hours as people write them: 12, 12.5, 1,200."""
    number = Decimal(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.1f}"


@bp.app_template_filter("pounds_and_pence")
def pounds_and_pence(value: Decimal | int) -> str:
    """Money recorded by a partner, exactly: £1,250.50."""
    return f"£{Decimal(value):,.2f}"
