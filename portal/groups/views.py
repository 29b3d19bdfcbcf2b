"""Working group pages: the index with its search, a group's page, creating a group, joining
and leaving, the leads' page, and posting updates, resources and actions."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import User
from ..assessment.frameworks import latest_framework
from ..assessment.models import Dimension
from ..core.access import signed_in
from ..core.export import csv_response
from ..core.forms import ambition_choices
from ..core.models import Ambition
from ..core.pagination import paginate
from ..core.uploads import UploadError, private_download
from ..extensions import db
from ..orgs.access import member_of_org
from ..orgs.models import Organisation
from . import services
from .access import (
    group_action,
    group_file,
    group_request,
    lead_group,
    member_group,
    signed_in_and_can_see,
    visible_group,
)
from .forms import (
    ActionForm,
    AddMemberForm,
    ConfirmForm,
    GroupForm,
    JoinForm,
    LeadForm,
    LeaveForm,
    ResourceForm,
    UpdateForm,
    has_file,
)
from .models import DONE, MEMBER, REQUESTED, GroupAction, GroupFile, GroupMembership, WorkingGroup

bp = Blueprint("groups", __name__)


@bp.app_template_global("groups_of_organisation")
def groups_of_organisation(organisation_id: int) -> list[WorkingGroup]:
    return services.groups_of_organisation(organisation_id)


def _admin_organisations() -> list[Organisation]:
    """Organisations the signed-in person may act for in a group: those they administer."""
    return [m.organisation for m in current_user.memberships if m.is_admin]


@bp.get("/groups")
@signed_in
def index() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()[: services.MAX_SEARCH]
    page = paginate(services.visible_groups_query(current_user, q))
    return render_template(
        "groups/index.html",
        page=page,
        q=q,
        updates=services.matching_updates(current_user, q),
        creatable=_admin_organisations(),
    )


def _dimension_choices() -> list[tuple[int, str]]:
    framework = latest_framework("anchor")
    return [(d.id, d.title) for d in framework.dimensions] if framework else []


@bp.route("/orgs/<int:org_id>/groups/new", methods=["GET", "POST"])
@member_of_org(role="admin")
def create(org_id: int) -> ResponseReturnValue:
    form = GroupForm()
    form.ambitions.choices = ambition_choices()
    form.dimensions.choices = _dimension_choices()
    if request.method == "GET":
        form.visibility.data = "open"
    if form.validate_on_submit():
        group = services.create_group(
            name=form.name.data,
            purpose=form.purpose.data,
            visibility=form.visibility.data,
            organisation=g.org,
            creator=current_user,
            ambitions=db.session.scalars(
                select(Ambition).where(Ambition.id.in_(form.ambitions.data or []))
            ),
            dimensions=db.session.scalars(
                select(Dimension).where(Dimension.id.in_(form.dimensions.data or []))
            ),
        )
        db.session.commit()
        flash(f"{group.name} is created. {g.org.name} is its first member.", "success")
        return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/form.html", form=form, organisation=g.org)


@bp.get("/groups/<int:group_id>")
@signed_in_and_can_see(visible_group, into="group")
def detail(group: WorkingGroup) -> ResponseReturnValue:
    members = services.members_of(group)
    mine = services.viewer_organisation_ids(current_user)
    member_ids = {m.organisation_id for m in members}
    pending = services.members_of(group, REQUESTED)
    return render_template(
        "groups/detail.html",
        group=group,
        members=members,
        leads=services.leads_of(group),
        pending=pending,
        updates=paginate(services.updates_query(group), per_page=10),
        resources=services.resources_of(group),
        actions=services.actions_of(group),
        is_member=current_user.is_platform_admin or bool(mine & member_ids),
        is_lead=current_user.is_platform_admin or services.is_lead(group, current_user),
        can_join=any(
            o.id not in member_ids and o.id not in {p.organisation_id for p in pending}
            for o in _admin_organisations()
        ),
        can_leave=any(o.id in member_ids for o in _admin_organisations()),
        waiting=[p.organisation for p in pending if p.organisation_id in mine],
        done=DONE,
    )


@bp.route("/groups/<int:group_id>/join", methods=["GET", "POST"])
@signed_in_and_can_see(visible_group, into="group")
def join(group: WorkingGroup) -> ResponseReturnValue:
    taken = {
        m.organisation_id
        for m in db.session.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == group.id,
                GroupMembership.status.in_((MEMBER, REQUESTED)),
            )
        )
    }
    choosable = [o for o in _admin_organisations() if o.id not in taken]
    form = JoinForm()
    form.organisation.choices = [(None, "Choose an organisation")] + [
        (o.id, o.name) for o in choosable
    ]
    if choosable and form.validate_on_submit():
        organisation = next(o for o in choosable if o.id == form.organisation.data)
        try:
            services.request_to_join(group, organisation, current_user)
        except services.GroupError as error:
            form.organisation.errors = [str(error)]
        else:
            db.session.commit()
            flash(
                f"{organisation.name} has asked to join {group.name}. A lead will answer.",
                "success",
            )
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/join.html", group=group, form=form, choosable=choosable)


@bp.route("/groups/<int:group_id>/leave", methods=["GET", "POST"])
@signed_in_and_can_see(member_group, into="group")
def leave(group: WorkingGroup) -> ResponseReturnValue:
    member_ids = services.member_organisation_ids(group.id)
    choosable = [o for o in _admin_organisations() if o.id in member_ids]
    form = LeaveForm()
    form.organisation.choices = [(None, "Choose an organisation")] + [
        (o.id, o.name) for o in choosable
    ]
    if choosable and form.validate_on_submit():
        organisation = next(o for o in choosable if o.id == form.organisation.data)
        try:
            services.leave(group, organisation.id)
        except services.GroupError as error:
            form.organisation.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{organisation.name} has left {group.name}.", "success")
            return redirect(url_for("groups.index"))
    return render_template("groups/leave.html", group=group, form=form, choosable=choosable)


# ---------------------------------------------------------------- the leads' page


@bp.get("/groups/<int:group_id>/members")
@signed_in_and_can_see(lead_group, into="group")
def members(group: WorkingGroup) -> ResponseReturnValue:
    return render_template("groups/members.html", group=group, **_members_context(group))


def _members_context(
    group: WorkingGroup, form: LeadForm | None = None, add_form: AddMemberForm | None = None
) -> dict[str, Any]:
    if add_form is None:
        add_form = AddMemberForm(formdata=None)
    add_form.organisation.choices = [(None, "Choose an organisation")] + [
        (o.id, o.name) for o in services.addable_organisations(group)
    ]
    leads = services.leads_of(group)
    lead_ids = {lead.id for lead in leads}
    if form is None:
        form = LeadForm(formdata=None)
    form.person.choices = [(None, "Choose a person")] + [
        (person.id, person.name)
        for person in services.member_people(group)
        if person.id not in lead_ids
    ]
    return {
        "leads": leads,
        "members": services.members_of(group),
        "pending": services.members_of(group, REQUESTED),
        "form": form,
        "add_form": add_form,
        "confirm": ConfirmForm(formdata=None),
    }


def _decide(request_found: GroupMembership, accept: bool) -> ResponseReturnValue:
    group_id = request_found.group_id
    if ConfirmForm().validate_on_submit():
        try:
            services.decide_request(request_found, accept=accept, lead=current_user)
        except services.GroupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            name = request_found.organisation.name
            flash(
                f"{name} is now a member. Its admins have been emailed."
                if accept
                else f"{name}'s request is declined. Its admins have been emailed.",
                "success",
            )
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/groups/<int:group_id>/requests/<int:request_id>/accept")
@signed_in_and_can_see(group_request, into="found")
def accept(found: GroupMembership) -> ResponseReturnValue:
    return _decide(found, True)


@bp.post("/groups/<int:group_id>/requests/<int:request_id>/decline")
@signed_in_and_can_see(group_request, into="found")
def decline(found: GroupMembership) -> ResponseReturnValue:
    return _decide(found, False)


@bp.post("/groups/<int:group_id>/members/add")
@signed_in_and_can_see(lead_group, into="group")
def add_member(group: WorkingGroup) -> ResponseReturnValue:
    form = AddMemberForm()
    context = _members_context(group, add_form=form)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation.data)
        assert organisation is not None  # the choices are approved organisations
        try:
            services.add_member(group, organisation, current_user)
        except services.GroupError as error:
            form.organisation.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{organisation.name} is now a member. Its admins have been emailed.", "success")
            return redirect(url_for("groups.members", group_id=group.id))
    return render_template("groups/members.html", group=group, **context), 400


@bp.post("/groups/<int:group_id>/leads")
@signed_in_and_can_see(lead_group, into="group")
def add_lead(group: WorkingGroup) -> ResponseReturnValue:
    form = LeadForm()
    context = _members_context(group, form)
    if form.validate_on_submit():
        person = db.session.get(User, form.person.data)
        try:
            services.add_lead(group, person)  # type: ignore[arg-type]
        except services.GroupError as error:
            form.person.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{person.name} is now a lead.", "success")  # type: ignore[union-attr]
            return redirect(url_for("groups.members", group_id=group.id))
    return render_template("groups/members.html", group=group, **context), 400


@bp.post("/groups/<int:group_id>/leads/<int:user_id>/remove")
@signed_in_and_can_see(lead_group, into="group")
def remove_lead(group: WorkingGroup, user_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_lead(group, user_id)
        except services.GroupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("They are no longer a lead.", "success")
    return redirect(url_for("groups.members", group_id=group.id))


# ---------------------------------------------------------------- updates, resources, actions


def _uploaded(form: UpdateForm | ResourceForm, group: WorkingGroup) -> GroupFile | None:
    """The form's file stored, or None when there is none; a refused file is a field error
    (raised as UploadError for the caller to show)."""
    if not has_file(form.file):
        return None
    upload = form.file.data
    # Read one byte past the limit so an oversized file is refused without reading it all.
    content = upload.stream.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
    return services.add_file(group, upload.filename or "", content, current_user)


@bp.route("/groups/<int:group_id>/updates/new", methods=["GET", "POST"])
@signed_in_and_can_see(member_group, into="group")
def post_update(group: WorkingGroup) -> ResponseReturnValue:
    form = UpdateForm()
    if form.validate_on_submit():
        try:
            stored = _uploaded(form, group)
        except UploadError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            services.post_update(group, current_user, form.body.data, stored)
            db.session.commit()
            flash("Your update is posted. The member organisations' people are emailed.", "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/update_form.html", group=group, form=form)


@bp.route("/groups/<int:group_id>/resources/new", methods=["GET", "POST"])
@signed_in_and_can_see(member_group, into="group")
def add_resource(group: WorkingGroup) -> ResponseReturnValue:
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            stored = _uploaded(form, group)
        except UploadError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            services.add_resource(
                group, current_user, form.title.data, url=form.url.data or "", file=stored
            )
            db.session.commit()
            flash(f"{form.title.data} is added to the resources.", "success")
            return redirect(url_for("groups.detail", group_id=group.id) + "#resources")
    return render_template("groups/resource_form.html", group=group, form=form)


def _action_form(group: WorkingGroup) -> ActionForm:
    form = ActionForm()
    form.owner.choices = [(None, "Choose an organisation")] + [
        (o.id, o.name) for o in services.member_organisations(group)
    ]
    return form


@bp.route("/groups/<int:group_id>/actions/new", methods=["GET", "POST"])
@signed_in_and_can_see(member_group, into="group")
def add_action(group: WorkingGroup) -> ResponseReturnValue:
    form = _action_form(group)
    if request.method == "GET":
        form.status.data = "not_started"
    if form.validate_on_submit():
        services.add_action(
            group,
            current_user,
            title=form.title.data,
            owner_organisation_id=form.owner.data,
            due_on=form.due_on.data,  # type: ignore[arg-type]
            status=form.status.data,
        )
        db.session.commit()
        flash(f"{form.title.data} is added to the actions.", "success")
        return redirect(url_for("groups.detail", group_id=group.id) + "#actions")
    return render_template("groups/action_form.html", group=group, form=form, action=None)


@bp.route("/groups/<int:group_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@signed_in_and_can_see(group_action, into="action")
def edit_action(action: GroupAction) -> ResponseReturnValue:
    group = db.session.get(WorkingGroup, action.group_id)
    assert group is not None
    form = _action_form(group)
    if request.method == "GET":
        form.title.data, form.owner.data = action.title, action.owner_organisation_id
        form.due_on.data, form.status.data = action.due_on, action.status
    if form.validate_on_submit():
        services.update_action(
            action,
            title=form.title.data,
            owner_organisation_id=form.owner.data,
            due_on=form.due_on.data,  # type: ignore[arg-type]
            status=form.status.data,
        )
        db.session.commit()
        flash(f"{action.title} is saved: {action.status_label.lower()}.", "success")
        return redirect(url_for("groups.detail", group_id=group.id) + "#actions")
    return render_template("groups/action_form.html", group=group, form=form, action=action)


@bp.get("/groups/<int:group_id>/actions.csv")
@signed_in_and_can_see(visible_group, into="group")
def actions_csv(group: WorkingGroup) -> ResponseReturnValue:
    response = csv_response(
        f"group-{group.id}-actions.csv", services.ACTIONS_HEADER, services.action_rows(group)
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/groups/<int:group_id>/files/<int:file_id>")
@signed_in_and_can_see(group_file, into="stored")
def download(stored: GroupFile) -> ResponseReturnValue:
    path = services.stored_path(stored.stored_name)
    if path is None or not path.exists():
        abort(404)
    return private_download(path, stored.content_type, stored.original_name)
