"""The organisation directory, public profiles, and each organisation's own pages."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from ..accounts import services as account_services
from ..accounts.models import ROLE_ADMIN, Invitation, Membership
from ..core.access import can_see, public, signed_in
from ..core.forms import ward_choices
from ..core.models import utcnow
from ..core.pagination import paginate
from ..extensions import db
from . import services
from .access import (
    current_organisation,
    is_org_member,
    member_of_org,
    suspended_message,
    suspended_organisation,
    visible_organisation,
)
from .forms import (
    DirectoryFilterForm,
    InviteForm,
    MemberRoleForm,
    NetworkRequestForm,
    OrganisationForm,
)
from .models import Network, Organisation

bp = Blueprint("orgs", __name__)


@bp.app_context_processor
def orgs_template_helpers() -> dict[str, object]:
    """For shared templates (the header, navigation and home page), which core cannot import."""
    return {
        "current_organisation": current_organisation,
        "suspended_organisation": suspended_organisation,
        "suspended_message": suspended_message,
        "partnership_figures": services.partnership_figures,
    }


@bp.get("/organisations")
@public
def directory() -> ResponseReturnValue:
    networks = list(db.session.scalars(select(Network).order_by(Network.name)))
    form = DirectoryFilterForm(request.args)
    form.ward.choices = [("", "All wards")] + ward_choices()
    form.network.choices = [("", "All networks")] + [(n.id, n.name) for n in networks]
    filters = {}
    if form.validate():
        filters = {
            "q": form.q.data,
            "kind": form.kind.data or None,
            "ward_id": form.ward.data,
            "network_id": form.network.data,
        }
    page = paginate(services.directory_query(**filters), per_page=20)
    return render_template(
        "orgs/directory.html", form=form, page=page, filtered=any(filters.values())
    )


@bp.get("/organisations/<int:org_id>")
@can_see(visible_organisation, into="organisation")
def profile(organisation: Organisation) -> ResponseReturnValue:
    return render_template("orgs/profile.html", organisation=organisation)


@bp.route("/organisations/register", methods=["GET", "POST"])
@signed_in
def register() -> ResponseReturnValue:
    form = OrganisationForm()
    form.wards.choices = ward_choices()
    if form.validate_on_submit():
        organisation = services.register_organisation(form.data, current_user)
        db.session.commit()
        session["current_org_id"] = organisation.id
        # Post/redirect/get: refreshing the confirmation must not register it again.
        return redirect(url_for("orgs.registered", org_id=organisation.id))
    return render_template("orgs/edit.html", form=form, organisation=None)


@bp.get("/orgs/<int:org_id>/registered")
@member_of_org()
def registered(org_id: int) -> ResponseReturnValue:
    return render_template("orgs/registered.html", organisation=g.org)


@bp.get("/orgs/<int:org_id>")
@member_of_org()
def home(org_id: int) -> ResponseReturnValue:
    return render_template("orgs/home.html", organisation=g.org, membership=g.membership)


@bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@member_of_org(role=ROLE_ADMIN)
def edit(org_id: int) -> ResponseReturnValue:
    organisation = g.org
    form = OrganisationForm(obj=organisation)
    form.wards.choices = ward_choices()
    if request.method == "GET":
        form.wards.data = [w.id for w in organisation.wards]
    if form.validate_on_submit():
        services.update_organisation(organisation, form.data)
        db.session.commit()
        flash("The organisation's details have been saved.", "success")
        return redirect(url_for("orgs.home", org_id=org_id))
    return render_template("orgs/edit.html", form=form, organisation=organisation)


@bp.get("/orgs/<int:org_id>/members")
@member_of_org()
def members(org_id: int) -> ResponseReturnValue:
    memberships = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == org_id)
            .join(Membership.user)
            .order_by(Membership.role, Membership.created_at)
        )
    )
    invitations = list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == org_id,
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )
    return render_template(
        "orgs/members.html",
        organisation=g.org,
        memberships=memberships,
        invitations=invitations,
        can_manage=is_org_member(org_id, role=ROLE_ADMIN),
    )


@bp.route("/orgs/<int:org_id>/members/invite", methods=["GET", "POST"])
@member_of_org(role=ROLE_ADMIN)
def invite(org_id: int) -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit():
        try:
            account_services.invite_colleague(g.org, form.email.data, form.role.data, current_user)
        except account_services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"We have sent an invitation to {form.email.data}.", "success")
            return redirect(url_for("orgs.members", org_id=org_id))
    return render_template("orgs/invite.html", form=form, organisation=g.org)


@bp.post("/orgs/<int:org_id>/invitations/<int:invitation_id>/cancel")
@member_of_org(role=ROLE_ADMIN)
def cancel_invitation(org_id: int, invitation_id: int) -> ResponseReturnValue:
    invitation = db.first_or_404(
        select(Invitation).filter_by(id=invitation_id, organisation_id=org_id)
    )
    try:
        account_services.cancel_invitation(invitation, current_user)
    except account_services.AccountError as error:
        flash(str(error))
    else:
        db.session.commit()
        flash(f"The invitation to {invitation.email} has been cancelled.", "success")
    return redirect(url_for("orgs.members", org_id=org_id))


def _membership_or_404(org_id: int, membership_id: int) -> Membership:
    return db.first_or_404(select(Membership).filter_by(id=membership_id, organisation_id=org_id))


@bp.route("/orgs/<int:org_id>/members/<int:membership_id>/role", methods=["GET", "POST"])
@member_of_org(role=ROLE_ADMIN)
def member_role(org_id: int, membership_id: int) -> ResponseReturnValue:
    membership = _membership_or_404(org_id, membership_id)
    form = MemberRoleForm(obj=membership)
    if form.validate_on_submit():
        try:
            account_services.change_member_role(membership, form.role.data)
        except account_services.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{membership.user.name}'s role has been saved.", "success")
            return redirect(url_for("orgs.members", org_id=org_id))
    return render_template(
        "orgs/member_role.html", form=form, organisation=g.org, membership=membership
    )


@bp.post("/orgs/<int:org_id>/members/<int:membership_id>/remove")
@member_of_org(role=ROLE_ADMIN)
def remove_member(org_id: int, membership_id: int) -> ResponseReturnValue:
    membership = _membership_or_404(org_id, membership_id)
    try:
        name = membership.user.name
        account_services.remove_member(membership)
    except account_services.AccountError as error:
        flash(str(error))
    else:
        db.session.commit()
        flash(f"{name} has been removed from {g.org.name}.", "success")
    return redirect(url_for("orgs.members", org_id=org_id))


@bp.route("/orgs/<int:org_id>/networks", methods=["GET", "POST"])
@member_of_org(role=ROLE_ADMIN)
def networks(org_id: int) -> ResponseReturnValue:
    organisation = g.org
    taken = {m.network_id for m in organisation.network_memberships if m.status != "declined"}
    available = [
        n for n in db.session.scalars(select(Network).order_by(Network.name)) if n.id not in taken
    ]
    form = NetworkRequestForm()
    form.network.choices = [(n.id, n.name) for n in available]
    if organisation.can_publish and form.validate_on_submit():
        network = db.get_or_404(Network, form.network.data)
        try:
            services.request_network_membership(organisation, network, current_user)
        except services.OrganisationError as error:
            form.network.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"Your request to join {network.name} has been sent. "
                "We will email you when it is decided.",
                "success",
            )
            return redirect(url_for("orgs.networks", org_id=org_id))
    return render_template(
        "orgs/networks.html", form=form, organisation=organisation, available=available
    )
