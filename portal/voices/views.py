"""Voices pages: public stories and listening summaries, the organisation's pages to write
stories, record consent and listening, and the admin's unpublish."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy.orm import selectinload

from ..accounts.access import platform_admin
from ..core.access import public
from ..core.forms import ambition_choices, int_or_none, ward_choices
from ..core.models import Ambition, Ward
from ..core.pagination import paginate
from ..extensions import db
from ..orgs.access import is_org_member, member_of_org, require_can_publish
from . import images, services
from .forms import (
    AdminUnpublishForm,
    ConsentForm,
    ListeningForm,
    PeopleHeardForm,
    PublishForm,
    QuoteConsentForm,
    QuoteForm,
    StoryForm,
    UnpublishForm,
    WithdrawConsentForm,
    people_number,
)
from .models import PUBLISHED, ListeningQuote, ListeningRecord, Story, StoryConsent
from .visibility import is_shown, shown_stories

bp = Blueprint("voices", __name__)


@bp.app_template_global("voices_panel_summary")
def voices_panel_summary(organisation_id: int) -> services.OrganisationSummary:
    return services.organisation_summary(organisation_id)


@bp.app_template_global("voices_of_organisation")
def voices_of_organisation(organisation_id: int) -> list[Story]:
    return services.organisation_stories(organisation_id, shown_only=True)[:5]


@bp.app_template_global("voices_for_dashboard")
def voices_for_dashboard(ambition_id: int, ward_code: str | None) -> services.Voices:
    """What people told us, for the Ambition dashboard in insights (which imports nothing)."""
    return services.voices_for(ambition_id, ward_code or None)


def _filters() -> tuple[Ambition | None, Ward | None]:
    ambition_id = int_or_none(request.args.get("ambition", "")[:12])
    ward_id = int_or_none(request.args.get("ward", "")[:12])
    ambition = db.session.get(Ambition, ambition_id) if ambition_id else None
    ward = db.session.get(Ward, ward_id) if ward_id else None
    return ambition, ward


# ------------------------------------------------------------------ public pages


@bp.get("/stories")
@public
def stories() -> ResponseReturnValue:
    ambition, ward = _filters()
    query = services.stories_query(ambition.id if ambition else None, ward.id if ward else None)
    return render_template(
        "voices/stories.html",
        page=paginate(query),
        ambition=ambition,
        ward=ward,
        ambitions=ambition_choices(),
        wards=ward_choices(),
    )


def _shown_story_or_404(story_id: int) -> Story:
    story = db.get_or_404(Story, story_id)
    if not is_shown(story):
        abort(404)  # drafts, unpublished stories and withdrawn consent: as if it never was
    return story


@bp.get("/stories/<int:story_id>")
@public
def story(story_id: int) -> ResponseReturnValue:
    found = _shown_story_or_404(story_id)
    return render_template(
        "voices/story.html", story=found, manage=is_org_member(found.organisation_id)
    )


def _image_response(story: Story) -> ResponseReturnValue:
    if not story.image_name:
        abort(404)
    try:
        path = images.path_of(story.image_name)
    except images.UploadError:
        abort(404)
    if not path.exists():
        abort(404)
    # Read whole (images are small): a streamed file would stay open until the body is read.
    return Response(
        path.read_bytes(),
        mimetype=story.image_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300"},
    )


@bp.get("/stories/<int:story_id>/image")
@public
def story_image(story_id: int) -> ResponseReturnValue:
    return _image_response(_shown_story_or_404(story_id))


@bp.get("/listening")
@public
def listening() -> ResponseReturnValue:
    ambition, ward = _filters()
    query = services.listening_query(ambition.id if ambition else None, ward.id if ward else None)
    return render_template(
        "voices/listening.html",
        page=paginate(query),
        ambition=ambition,
        ward=ward,
        ambitions=ambition_choices(),
        wards=ward_choices(),
    )


@bp.get("/listening/<int:record_id>")
@public
def listening_record(record_id: int) -> ResponseReturnValue:
    record = db.get_or_404(ListeningRecord, record_id)
    return render_template("voices/listening_record.html", record=record)


# ------------------------------------------------------------------ the organisation's pages


@bp.get("/orgs/<int:org_id>/voices")
@member_of_org()
def manage(org_id: int) -> ResponseReturnValue:
    records = list(
        db.session.scalars(
            select(ListeningRecord)
            .where(ListeningRecord.organisation_id == org_id)
            .order_by(ListeningRecord.ends_on.desc(), ListeningRecord.id.desc())
        )
    )
    return render_template(
        "voices/manage.html",
        organisation=g.org,
        stories=services.organisation_stories(org_id, shown_only=False),
        shown={s.id for s in services.organisation_stories(org_id, shown_only=True)},
        records=records,
    )


def _story_form(org_id: int, story: Story | None = None) -> StoryForm:
    form = StoryForm()
    form.ambitions.choices = ambition_choices()
    form.wards.choices = ward_choices()
    form.link.choices = [("", "Not linked"), *services.link_choices(org_id)]
    form.has_image = bool(story and story.image_name)
    return form


def _organisations_story(org_id: int, story_id: int) -> Story:
    story = db.get_or_404(Story, story_id)
    if story.organisation_id != org_id:
        abort(404)  # another organisation's story: not reachable through this one
    return story


def _save(form: StoryForm, story: Story) -> Story | None:
    """Save the form into the story, or put the image's problem on the form and return None."""
    image = None
    if form.image_given():
        upload = form.image.data
        content = upload.stream.read(images.MAX_IMAGE_BYTES + 1)
        upload.close()  # a large upload is spooled to a temporary file: free it now
        try:
            kind = images.check_image(upload.filename or "", content)
        except images.UploadError as error:
            form.image.errors = [str(error)]
            return None
        image = services.Image(content, kind)
    return services.save_story(
        story,
        title=form.title.data,
        body=form.body.data,
        features_people=bool(form.features_people.data),
        ambition_ids=set(form.ambitions.data or []),
        ward_ids=set(form.wards.data or []),
        link=form.link.data or "",
        image=image,
        image_alt=form.image_alt.data or "",
        remove_image=bool(form.remove_image.data),
    )


@bp.route("/orgs/<int:org_id>/stories/new", methods=["GET", "POST"])
@member_of_org()
def story_new(org_id: int) -> ResponseReturnValue:
    form = _story_form(org_id)
    if form.validate_on_submit():
        story = _save(form, Story(organisation_id=org_id, created_by_id=current_user.id))
        if story is not None:
            db.session.commit()
            flash(f"{story.title} is saved as a draft.", "success")
            return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
        db.session.rollback()
    return render_template("voices/story_form.html", form=form, organisation=g.org, story=None)


@bp.route("/orgs/<int:org_id>/stories/<int:story_id>/edit", methods=["GET", "POST"])
@member_of_org()
def story_edit(org_id: int, story_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    if story.status == PUBLISHED:
        flash("Unpublish the story before you change it.", "error")
        return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
    form = _story_form(org_id, story)
    if form.validate_on_submit():
        if _save(form, story) is not None:
            db.session.commit()
            flash(f"{story.title} is saved.", "success")
            return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
        db.session.rollback()
    elif request.method == "GET":
        form.title.data, form.body.data = story.title, story.body
        form.features_people.data = story.features_people
        form.ambitions.data = [a.id for a in story.ambitions]
        form.wards.data = [w.id for w in story.wards]
        form.link.data = services.link_value(story)
        form.image_alt.data = story.image_alt
    return render_template("voices/story_form.html", form=form, organisation=g.org, story=story)


@bp.get("/orgs/<int:org_id>/stories/<int:story_id>")
@member_of_org()
def story_manage(org_id: int, story_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    return render_template(
        "voices/story_manage.html",
        story=story,
        organisation=g.org,
        shown=is_shown(story),
        publish_form=PublishForm(formdata=None),
        unpublish_form=UnpublishForm(formdata=None),
    )


@bp.get("/orgs/<int:org_id>/stories/<int:story_id>/image")
@member_of_org()
def story_preview_image(org_id: int, story_id: int) -> ResponseReturnValue:
    return _image_response(_organisations_story(org_id, story_id))


@bp.post("/orgs/<int:org_id>/stories/<int:story_id>/publish")
@member_of_org()
def story_publish(org_id: int, story_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    require_can_publish(g.org)
    if PublishForm().validate_on_submit():
        try:
            services.publish(story, current_user)
        except services.VoicesError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{story.title} is published.", "success")
    return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))


@bp.post("/orgs/<int:org_id>/stories/<int:story_id>/unpublish")
@member_of_org()
def story_unpublish(org_id: int, story_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    if UnpublishForm().validate_on_submit():
        try:
            services.unpublish(story, current_user)
        except services.VoicesError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{story.title} is unpublished.", "success")
    return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))


@bp.route("/orgs/<int:org_id>/stories/<int:story_id>/consents/new", methods=["GET", "POST"])
@member_of_org()
def consent_new(org_id: int, story_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consent(
            story,
            person=form.person.data,
            given_on=form.given_on.data,  # type: ignore[arg-type]
            method=form.method.data,
            uses=list(form.uses.data or []),
            user=current_user,
        )
        db.session.commit()
        flash(f"{form.person.data}'s consent is recorded.", "success")
        return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
    return render_template("voices/consent_form.html", form=form, story=story, organisation=g.org)


@bp.route(
    "/orgs/<int:org_id>/stories/<int:story_id>/consents/<int:consent_id>/withdraw",
    methods=["GET", "POST"],
)
@member_of_org()
def consent_withdraw(org_id: int, story_id: int, consent_id: int) -> ResponseReturnValue:
    story = _organisations_story(org_id, story_id)
    consent = db.get_or_404(StoryConsent, consent_id)
    if consent.story_id != story.id:
        abort(404)
    if consent.withdrawn_at is not None:
        flash("This consent is already withdrawn.", "error")
        return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        services.withdraw_consent(consent, form.note.data or "", current_user)
        db.session.commit()
        flash(
            f"{consent.person}'s consent is withdrawn. {story.title} is unpublished everywhere.",
            "success",
        )
        return redirect(url_for("voices.story_manage", org_id=org_id, story_id=story.id))
    return render_template(
        "voices/consent_withdraw.html",
        form=form,
        story=story,
        consent=consent,
        organisation=g.org,
    )


def _listening_form() -> ListeningForm:
    form = ListeningForm()
    form.ambitions.choices = ambition_choices()
    form.wards.choices = ward_choices()
    return form


@bp.route("/orgs/<int:org_id>/listening/new", methods=["GET", "POST"])
@member_of_org()
def listening_new(org_id: int) -> ResponseReturnValue:
    form = _listening_form()
    if form.validate_on_submit():
        record = services.create_listening(
            org_id,
            title=form.title.data,
            summary=form.summary.data or "",
            starts_on=form.starts_on.data,  # type: ignore[arg-type]
            ends_on=form.ends_on.data,  # type: ignore[arg-type]
            people_heard=people_number(form.people_heard),
            themes="\n".join(
                line.strip() for line in form.themes.data.splitlines() if line.strip()
            ),
            ambition_ids=set(form.ambitions.data or []),
            ward_ids=set(form.wards.data or []),
            user=current_user,
        )
        db.session.commit()
        flash(f"{record.title} is saved. Add the quotes people agreed to share.", "success")
        return redirect(url_for("voices.listening_manage", org_id=org_id, record_id=record.id))
    return render_template("voices/listening_form.html", form=form, organisation=g.org)


def _organisations_record(org_id: int, record_id: int) -> ListeningRecord:
    record = db.get_or_404(ListeningRecord, record_id)
    if record.organisation_id != org_id:
        abort(404)
    return record


def _listening_page(record: ListeningRecord, quote_form: QuoteForm) -> str:
    return render_template(
        "voices/listening_manage.html",
        record=record,
        organisation=g.org,
        form=quote_form,
        consent_form=QuoteConsentForm(formdata=None),
    )


@bp.get("/orgs/<int:org_id>/listening/<int:record_id>")
@member_of_org()
def listening_manage(org_id: int, record_id: int) -> ResponseReturnValue:
    return _listening_page(_organisations_record(org_id, record_id), QuoteForm(formdata=None))


@bp.post("/orgs/<int:org_id>/listening/<int:record_id>/quotes")
@member_of_org()
def quote_add(org_id: int, record_id: int) -> ResponseReturnValue:
    record = _organisations_record(org_id, record_id)
    form = QuoteForm()
    if form.validate_on_submit():
        services.add_quote(record, form.text.data, form.consented.data == "yes")
        db.session.commit()
        flash("The quote is added.", "success")
        return redirect(url_for("voices.listening_manage", org_id=org_id, record_id=record.id))
    return _listening_page(record, form), 400


@bp.post("/orgs/<int:org_id>/listening/<int:record_id>/quotes/<int:quote_id>/consent")
@member_of_org()
def quote_consent(org_id: int, record_id: int, quote_id: int) -> ResponseReturnValue:
    record = _organisations_record(org_id, record_id)
    quote = db.get_or_404(ListeningQuote, quote_id)
    if quote.record_id != record.id:
        abort(404)
    if QuoteConsentForm().validate_on_submit():
        services.set_quote_consent(quote, not quote.consented, current_user)
        db.session.commit()
        flash(
            "The quote is shown." if quote.consented else "The quote is hidden everywhere.",
            "success",
        )
    return redirect(url_for("voices.listening_manage", org_id=org_id, record_id=record.id))


@bp.route("/orgs/<int:org_id>/listening/<int:record_id>/people", methods=["GET", "POST"])
@member_of_org()
def people_heard(org_id: int, record_id: int) -> ResponseReturnValue:
    record = _organisations_record(org_id, record_id)
    form = PeopleHeardForm()
    if form.validate_on_submit():
        try:
            services.correct_people_heard(
                record, people_number(form.people_heard), form.reason.data, current_user
            )
        except services.VoicesError as error:
            form.people_heard.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"The number of people heard is now {record.people_heard:,}.", "success")
            return redirect(url_for("voices.listening_manage", org_id=org_id, record_id=record.id))
    return render_template("voices/people_heard.html", form=form, record=record, organisation=g.org)


# ------------------------------------------------------------------ platform admins


@bp.get("/admin/stories")
@platform_admin
def admin_stories() -> ResponseReturnValue:
    query = shown_stories().options(selectinload(Story.organisation))
    return render_template("voices/admin_stories.html", page=paginate(query))


@bp.route("/admin/stories/<int:story_id>/unpublish", methods=["GET", "POST"])
@platform_admin
def admin_unpublish(story_id: int) -> ResponseReturnValue:
    story = db.get_or_404(Story, story_id)
    form = AdminUnpublishForm()
    if form.validate_on_submit():
        try:
            services.admin_unpublish(story, form.reason.data, current_user)
        except services.VoicesError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            current_app.logger.info("Story %s unpublished by an admin", story.id)
            flash(f"{story.title} is unpublished.", "success")
        return redirect(url_for("voices.admin_stories"))
    return render_template("voices/admin_unpublish.html", form=form, story=story)
