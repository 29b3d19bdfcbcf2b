"""Platform administration: organisations, network requests, users and roles, wards, audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, lazyload, load_only

from ..accounts import services as account_services
from ..accounts.access import platform_admin
from ..accounts.models import User
from ..core import audit
from ..core.forms import ambition_choices
from ..core.models import AuditLog, Ward
from ..core.pagination import paginate
from ..extensions import db
from ..orgs import services as org_services
from ..orgs.models import (
    ORGANISATION_STATUSES,
    REQUEST_PENDING,
    STATUS_PENDING,
    NetworkMembership,
    Organisation,
)
from .forms import SearchForm, UserRolesForm, WardCodeForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@platform_admin
def index() -> ResponseReturnValue:
    pending_orgs = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.status == STATUS_PENDING)
    )
    pending_requests = db.session.scalar(
        select(func.count(NetworkMembership.id)).where(NetworkMembership.status == REQUEST_PENDING)
    )
    return render_template(
        "admin/index.html", pending_orgs=pending_orgs, pending_requests=pending_requests
    )


@bp.get("/organisations")
@platform_admin
def organisations() -> ResponseReturnValue:
    status = request.args.get("status", STATUS_PENDING)
    if status not in ORGANISATION_STATUSES:
        status = STATUS_PENDING
    page = paginate(
        select(Organisation)
        .where(Organisation.status == status)
        .order_by(Organisation.created_at.desc(), Organisation.id.desc())
    )
    return render_template(
        "admin/organisations.html",
        page=page,
        status=status,
        statuses=ORGANISATION_STATUSES,
        duplicates=org_services.likely_duplicates(list(page.items)),
    )


@bp.post("/organisations/<int:organisation_id>/status")
@platform_admin
def set_organisation_status(organisation_id: int) -> ResponseReturnValue:
    organisation = db.get_or_404(Organisation, organisation_id)
    status = request.form.get("status")
    if status not in ORGANISATION_STATUSES:
        abort(400)
    org_services.set_organisation_status(organisation, status, current_user)
    db.session.commit()
    flash(f"{organisation.name} is now {status}.", "success")
    return redirect(url_for("admin.organisations", status=request.form.get("back", STATUS_PENDING)))


@bp.get("/network-requests")
@platform_admin
def network_requests() -> ResponseReturnValue:
    page = paginate(
        select(NetworkMembership)
        .where(NetworkMembership.status == REQUEST_PENDING)
        # The page shows each organisation's name: one join, not a query (and its wards and
        # networks) per row.
        .options(joinedload(NetworkMembership.organisation).options(*_organisation_name_only()))
        .order_by(NetworkMembership.requested_at, NetworkMembership.id)
    )
    return render_template("admin/network_requests.html", page=page)


@bp.post("/network-requests/<int:request_id>")
@platform_admin
def decide_network_request(request_id: int) -> ResponseReturnValue:
    network_request = db.get_or_404(NetworkMembership, request_id)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    try:
        org_services.decide_network_request(network_request, decision == "accept", current_user)
    except org_services.OrganisationError as error:
        flash(str(error))
    else:
        db.session.commit()
        flash(
            f"{network_request.organisation.name}'s request was {network_request.status}. "
            "The organisation has been emailed.",
            "success",
        )
    return redirect(url_for("admin.network_requests"))


@bp.get("/users")
@platform_admin
def users() -> ResponseReturnValue:
    form = SearchForm(request.args)
    statement = select(User).order_by(User.name, User.id)
    if form.validate() and form.q.data:
        pattern = f"%{form.q.data.lower()}%"
        statement = statement.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    return render_template("admin/users.html", form=form, page=paginate(statement))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@platform_admin
def user_roles(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = UserRolesForm(obj=user)
    form.convenor_ambitions.choices = ambition_choices()
    if request.method == "GET":
        form.convenor_ambitions.data = [a.id for a in user.convenor_ambitions]
    if form.validate_on_submit():
        if user.id == current_user.id and not form.is_platform_admin.data:
            form.is_platform_admin.errors.append("You cannot remove your own administrator role")
        else:
            account_services.set_platform_roles(
                user,
                is_admin=form.is_platform_admin.data,
                ambition_ids=form.convenor_ambitions.data,
            )
            if user.is_active_account != form.is_active_account.data and user.id != current_user.id:
                account_services.set_user_active(user, form.is_active_account.data)
            db.session.commit()
            flash(f"{user.name}'s roles have been saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_roles.html", form=form, user=user)


@bp.get("/wards")
@platform_admin
def wards() -> ResponseReturnValue:
    return render_template(
        "admin/wards.html", wards=list(db.session.scalars(select(Ward).order_by(Ward.name)))
    )


@bp.route("/wards/<int:ward_id>", methods=["GET", "POST"])
@platform_admin
def ward_code(ward_id: int) -> ResponseReturnValue:
    ward = db.get_or_404(Ward, ward_id)
    form = WardCodeForm(obj=ward)
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(Ward).where(Ward.ons_code == form.ons_code.data, Ward.id != ward.id)
        )
        if clash is not None:
            form.ons_code.errors.append(f"{clash.name} already has the code {form.ons_code.data}")
        else:
            previous = ward.ons_code
            ward.ons_code = form.ons_code.data
            ward.code_source = "corrected"
            audit.record(
                "ward.code_corrected",
                ward,
                summary=f"{ward.name}: {previous} to {ward.ons_code}",
                changes={"ons_code": (previous, ward.ons_code)},
            )
            db.session.commit()
            flash(f"{ward.name}'s code has been saved.", "success")
            return redirect(url_for("admin.wards"))
    return render_template("admin/ward_code.html", form=form, ward=ward)


@bp.get("/audit-log")
@platform_admin
def audit_log() -> ResponseReturnValue:
    action = request.args.get("action", "")[:60]
    actions = audit_actions()
    # A chosen action, or a prefix typed into the address ("organisation."), as it always was:
    # matched against the known actions so the filter is an indexed IN, not a LIKE scan.
    chosen = [action] if action in actions else [a for a in actions if a.startswith(action)]
    return render_template(
        "admin/audit_log.html",
        page=paginate(audit_entries(chosen if action else None), per_page=50, key=AuditLog.id),
        action=action,
        actions=actions,
    )


def _user_name_only() -> tuple:
    """A related user for their name alone, without their convenor Ambitions."""
    return (load_only(User.name), lazyload(User.convenor_ambitions))


def _organisation_name_only() -> tuple:
    """A related organisation for its name alone, without its wards and networks."""
    return (
        load_only(Organisation.name),
        lazyload(Organisation.wards),
        lazyload(Organisation.network_memberships),
    )


def audit_entries(actions: list[str] | None = None) -> Select:
    """Newest first, with only the columns the log shows, of `actions` if given;
    `ix_audit_log_at_id` and `ix_audit_log_action_at_id` serve the order."""
    statement = (
        select(AuditLog)
        .options(
            load_only(AuditLog.at, AuditLog.action, AuditLog.summary, AuditLog.changes),
            # Joined into the page's own query, which reads only the page's rows by key (see
            # KeyFirstPagination): no join runs for a row skipped, and no query per relation.
            joinedload(AuditLog.user).options(*_user_name_only()),
            joinedload(AuditLog.organisation).options(*_organisation_name_only()),
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    if actions is not None:
        return statement.where(AuditLog.action.in_(actions))
    return statement


def audit_actions() -> list[str]:
    """The distinct actions, for the filter: a recursive skip along `ix_audit_log_action`
    (one index probe per action) instead of reading every row for DISTINCT."""
    column = AuditLog.__table__.c.action
    walk = select(func.min(column).label("action")).cte("actions", recursive=True)
    following = select(func.min(column)).where(column > walk.c.action).scalar_subquery()
    walk = walk.union_all(select(following).where(walk.c.action.is_not(None)))
    return list(
        db.session.scalars(
            select(walk.c.action).where(walk.c.action.is_not(None)).order_by(walk.c.action)
        )
    )
