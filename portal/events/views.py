"""Event pages: the list, an event with sign-up and cancel, iCalendar files, and the
organiser's pages to create events and record attendance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..core.access import public, signed_in
from ..core.forms import ambition_choices, ward_choices
from ..core.models import Ambition, utcnow
from ..core.pagination import paginate
from ..core.templating import format_datetime
from ..extensions import db
from ..orgs.access import is_org_member, member_of_org, visible_organisation
from . import services
from .calendar import calendar_of
from .forms import (
    CITY_TIME,
    AttendanceForm,
    CancelEventForm,
    CancelForm,
    EventForm,
    SignUpForm,
)
from .models import CONFIRMED, SCHEDULED, Event, EventSignup

bp = Blueprint("events", __name__)


@bp.app_template_filter("city_time")
def city_time(moment: datetime) -> str:
    """A stored UTC time as the clock in Leeds shows it: '3 March 2027 at 09:30'."""
    return format_datetime(moment.replace(tzinfo=UTC).astimezone(CITY_TIME))


@bp.app_template_global("events_panel_summary")
def events_panel_summary(organisation_id: int) -> services.OrganiserSummary:
    return services.organiser_summary(organisation_id)


def _listed(upcoming: bool) -> Select[Any]:
    now = utcnow()
    query = select(Event).options(selectinload(Event.ward), selectinload(Event.organiser))
    if upcoming:
        return query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    return query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())


def _event_or_404(event_id: int) -> Event:
    return db.get_or_404(Event, event_id)


def _event_url(event: Event) -> str:
    return url_for("events.detail", event_id=event.id, _external=True)


def _ics(events: list[Event], name: str, filename: str) -> Response:
    body = calendar_of(events, name=name, url_of=_event_url, domain=request.host)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/events")
@public
def index() -> ResponseReturnValue:
    past = request.args.get("when") == "past"
    page = paginate(_listed(upcoming=not past))
    return render_template("events/index.html", page=page, past=past)


@bp.get("/events/<int:event_id>")
@public
def detail(event_id: int) -> ResponseReturnValue:
    event = _event_or_404(event_id)
    mine = services.signup_of(event, current_user) if current_user.is_authenticated else None
    return render_template(
        "events/detail.html",
        event=event,
        places=services.places_at(event),
        came=services.people_reached([event.id]).get(event.id, 0),
        mine=mine,
        finished=event.ends_at <= utcnow(),
        started=event.starts_at <= utcnow(),
        organiser=is_org_member(event.organiser_id),
        sign_up_form=SignUpForm(formdata=None),
        cancel_form=CancelForm(formdata=None),
    )


@bp.get("/events/<int:event_id>.ics")
@public
def event_ics(event_id: int) -> ResponseReturnValue:
    event = _event_or_404(event_id)
    return _ics([event], event.title, f"event-{event.id}.ics")


@bp.post("/events/<int:event_id>/sign-up")
@signed_in
def sign_up(event_id: int) -> ResponseReturnValue:
    event = _event_or_404(event_id)
    if SignUpForm().validate_on_submit():
        try:
            signup = services.sign_up(event, current_user)
        except services.SignupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                "Your place is confirmed."
                if signup.status == CONFIRMED
                else "The event is full: you are on the waiting list. We will email you if a "
                "place comes free.",
                "success",
            )
    return redirect(url_for("events.detail", event_id=event_id))


@bp.post("/events/<int:event_id>/cancel")
@signed_in
def cancel(event_id: int) -> ResponseReturnValue:
    event = _event_or_404(event_id)
    signup = services.signup_of(event, current_user)
    if signup is None:
        abort(404)
    if CancelForm().validate_on_submit():
        try:
            services.cancel(signup)
        except services.SignupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Your sign-up is cancelled.", "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.route("/events/cancel/<token>", methods=["GET", "POST"])
@public
def cancel_from_email(token: str) -> ResponseReturnValue:
    """The link in a person's emails: cancel that place without signing in (the token names
    the sign-up), after a confirmation page, so a mail scanner opening the link cancels nothing."""
    signup = services.signup_for_cancel_token(token)
    if signup is None:
        return render_template("events/cancel_link_unknown.html"), 404
    form = CancelForm()
    error = None
    cancelled = False
    if form.validate_on_submit():
        try:
            services.cancel(signup)
        except services.SignupError as refused:
            error = str(refused)
        else:
            db.session.commit()
            cancelled = True
    return render_template(
        "events/cancel_place.html",
        signup=signup,
        event=signup.event,
        form=form,
        error=error,
        cancelled=cancelled,
        started=signup.event.starts_at <= utcnow(),
    )


@bp.get("/orgs/<int:organisation_id>/events.ics")
@public
def organisation_ics(organisation_id: int) -> ResponseReturnValue:
    organisation = visible_organisation(organisation_id)
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.organiser_id == organisation.id, Event.status == SCHEDULED)
            .order_by(Event.starts_at)
            .limit(500)
        )
    )
    return _ics(
        events, f"{organisation.name}: events", f"organisation-{organisation.id}-events.ics"
    )


def _event_form() -> EventForm:
    form = EventForm()
    form.ward.choices = [(None, "Choose a ward"), *ward_choices()]
    form.ambitions.choices = ambition_choices()
    return form


def _values(form: EventForm) -> dict[str, Any]:
    """The event's fields as the form gives them; the unused place or link is blanked."""
    online = form.where.data == "online"
    return {
        "title": form.title.data,
        "summary": form.summary.data or "",
        "starts_at": form.starts_at(),
        "ends_at": form.ends_at(),
        "online": online,
        "online_url": form.online_url.data if online else "",
        "ward_id": None if online else form.ward.data,
        "address": "" if online else form.address.data,
    }


def _fill(form: EventForm, event: Event) -> None:
    starts = event.starts_at.replace(tzinfo=UTC).astimezone(CITY_TIME)
    ends = event.ends_at.replace(tzinfo=UTC).astimezone(CITY_TIME)
    form.title.data, form.summary.data = event.title, event.summary
    form.day.data = starts.date()
    form.start_time.data, form.end_time.data = starts.strftime("%H:%M"), ends.strftime("%H:%M")
    form.where.data = "online" if event.online else "place"
    form.ward.data, form.address.data = event.ward_id, event.address
    form.online_url.data = event.online_url
    form.ambitions.data = [a.id for a in event.ambitions]
    form.capacity.data = str(event.capacity)


def _organisers_event(org_id: int, event_id: int) -> Event:
    event = _event_or_404(event_id)
    if event.organiser_id != org_id:
        abort(404)  # another organisation's event: not reachable through this one
    return event


@bp.route("/orgs/<int:org_id>/events/new", methods=["GET", "POST"])
@member_of_org()
def create(org_id: int) -> ResponseReturnValue:
    form = _event_form()
    if form.validate_on_submit():
        event = Event(
            organiser_id=org_id,
            capacity=int(form.capacity.data),
            created_by_id=current_user.id,
            ambitions=list(
                db.session.scalars(
                    select(Ambition).where(Ambition.id.in_(form.ambitions.data or []))
                )
            ),
            **_values(form),
        )
        db.session.add(event)
        db.session.commit()
        flash(f"{event.title} is published.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, organisation=g.org, event=None)


@bp.route("/orgs/<int:org_id>/events/<int:event_id>/edit", methods=["GET", "POST"])
@member_of_org()
def edit(org_id: int, event_id: int) -> ResponseReturnValue:
    event = _organisers_event(org_id, event_id)
    if event.status != SCHEDULED or event.starts_at <= utcnow():
        flash("This event has started or is cancelled: it can no longer be changed.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = _event_form()
    form.min_capacity = services.places_at(event).confirmed
    if form.validate_on_submit():
        try:
            changed = services.update_event(
                event, _values(form), int(form.capacity.data), set(form.ambitions.data or [])
            )
        except services.SignupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            if not changed:
                flash("Nothing was changed.", "success")
            else:
                told = (
                    "Everyone signed up has been emailed the new time and place."
                    if (set(changed) & set(services.TIME_AND_PLACE))
                    else ""
                )
                flash(f"{event.title} is updated. {told}".strip(), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    elif request.method == "GET":
        _fill(form, event)
    return render_template("events/form.html", form=form, organisation=g.org, event=event)


@bp.route("/orgs/<int:org_id>/events/<int:event_id>/cancel", methods=["GET", "POST"])
@member_of_org()
def cancel_event(org_id: int, event_id: int) -> ResponseReturnValue:
    event = _organisers_event(org_id, event_id)
    if event.status != SCHEDULED or event.starts_at <= utcnow():
        flash("This event has started or is cancelled already.", "error")
        return redirect(url_for("events.detail", event_id=event.id))
    form = CancelEventForm()
    if form.validate_on_submit():
        told = services.cancel_event(event, form.reason.data)
        db.session.commit()
        people = "person" if told == 1 else "people"
        flash(f"{event.title} is cancelled. We have emailed {told} {people}.", "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/cancel.html",
        form=form,
        event=event,
        organisation=g.org,
        places=services.places_at(event),
        came=services.people_reached([event.id]).get(event.id, 0),
    )


@bp.get("/events/mine")
@signed_in
def mine() -> ResponseReturnValue:
    events = services.events_of(current_user.id)
    now = utcnow()
    return render_template(
        "events/mine.html",
        upcoming=[event for event in events if event.ends_at > now],
        feed_url=url_for(
            "events.user_ics", token=services.feed_token(current_user), _external=True
        ),
    )


@bp.get("/events/feed/<token>.ics")
@public
def user_ics(token: str) -> ResponseReturnValue:
    """A person's events for a calendar app, which cannot sign in: the signed token is the
    key, so the address is private to them."""
    user_id = services.user_id_for_feed_token(token[:200])
    if user_id is None:
        abort(404)
    return _ics(services.events_of(user_id), "My Anchor Portal events", "my-events.ics")


@bp.route("/orgs/<int:org_id>/events/<int:event_id>/attendance", methods=["GET", "POST"])
@member_of_org()
def attendance(org_id: int, event_id: int) -> ResponseReturnValue:
    event = _organisers_event(org_id, event_id)
    confirmed = list(
        db.session.scalars(
            select(EventSignup)
            .where(EventSignup.event_id == event.id, EventSignup.status == CONFIRMED)
            .options(selectinload(EventSignup.user))
            .order_by(EventSignup.signed_up_at, EventSignup.id)
        )
    )
    form = AttendanceForm()
    form.attended.choices = [(signup.id, signup.user.name) for signup in confirmed]
    if form.validate_on_submit():
        try:
            count = services.record_attendance(event, set(form.attended.data or []))
        except services.SignupError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(
                f"Attendance recorded: {count} {'person' if count == 1 else 'people'}.", "success"
            )
            return redirect(url_for("events.detail", event_id=event.id))
    elif request.method == "GET":
        form.attended.data = [signup.id for signup in confirmed if signup.attended]
    return render_template(
        "events/attendance.html",
        event=event,
        confirmed=confirmed,
        organisation=g.org,
        form=form,
    )
