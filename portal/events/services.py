"""Events: creating them, signing up and cancelling (with promotion from the waiting list),
and recording attendance. Views and jobs call these; the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..core import audit
from ..core.models import Ambition, utcnow
from ..extensions import db
from ..mail.services import email_link, send_email
from . import places as rules
from .models import CANCELLED, CONFIRMED, SCHEDULED, WAITING, WITHDRAWN, Event, EventSignup

# A change to any of these is news to everyone signed up: they are emailed.
TIME_AND_PLACE = ("starts_at", "ends_at", "online", "online_url", "ward_id", "address")
EDITABLE = ("title", "summary", *TIME_AND_PLACE)
FEED_SALT = "event-feed"
CANCEL_SALT = "event-cancel"


class SignupError(Exception):
    """Why a sign-up or cancellation cannot happen, in words for the page."""


def places_at(event: Event) -> rules.Places:
    counts = dict(
        db.session.execute(
            select(EventSignup.status, func.count())
            .where(EventSignup.event_id == event.id, EventSignup.status != WITHDRAWN)
            .group_by(EventSignup.status)
        ).all()
    )
    return rules.Places(event.capacity, counts.get(CONFIRMED, 0), counts.get(WAITING, 0))


def _locked(event: Event) -> Event:
    """The event row locked for this transaction, so two last-place sign-ups cannot both
    be confirmed (PostgreSQL; SQLite serialises writers anyway)."""
    return db.session.scalars(
        select(Event)
        .where(Event.id == event.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def signup_of(event: Event, user: User) -> EventSignup | None:
    return db.session.scalar(
        select(EventSignup).where(EventSignup.event_id == event.id, EventSignup.user_id == user.id)
    )


def sign_up(event: Event, user: User, now: datetime | None = None) -> EventSignup:
    """A place if one is left, else the end of the waiting list. Signing up again after
    cancelling joins the back of the queue."""
    now = now or utcnow()
    event = _locked(event)
    if event.status != SCHEDULED:
        raise SignupError("This event is cancelled.")
    if event.ends_at <= now:
        raise SignupError("This event has finished.")
    signup = signup_of(event, user)
    if signup is not None and signup.status != WITHDRAWN:
        raise SignupError(f"You have already signed up: {signup.status_label.lower()}.")
    status = rules.status_for_new_signup(places_at(event))
    if signup is None:
        signup = EventSignup(event_id=event.id, user_id=user.id, status=status, signed_up_at=now)
        db.session.add(signup)
    else:
        signup.status, signup.signed_up_at, signup.withdrawn_at = status, now, None
        signup.promoted_at = None
    db.session.flush()
    return signup


def cancel(signup: EventSignup, now: datetime | None = None) -> list[EventSignup]:
    """Withdraw a sign-up; a freed place goes to the first person waiting, who is told by
    email. Returns the sign-ups promoted."""
    now = now or utcnow()
    event = _locked(signup.event)
    if signup.status == WITHDRAWN:
        raise SignupError("This sign-up is already cancelled.")
    if event.starts_at <= now:
        raise SignupError("The event has started: it is too late to cancel.")
    signup.status, signup.withdrawn_at = WITHDRAWN, now
    db.session.flush()
    return promote_waiting(event, now)


def promote_waiting(event: Event, now: datetime | None = None) -> list[EventSignup]:
    """Fill free places from the waiting list in sign-up order and email each person."""
    now = now or utcnow()
    wanted = rules.how_many_to_promote(places_at(event))
    if not wanted:
        return []
    promoted = list(
        db.session.scalars(
            select(EventSignup)
            .where(EventSignup.event_id == event.id, EventSignup.status == WAITING)
            .order_by(EventSignup.signed_up_at, EventSignup.id)
            .limit(wanted)
            .options(selectinload(EventSignup.user))
        )
    )
    for signup in promoted:
        signup.status, signup.promoted_at = CONFIRMED, now
        send_email(
            signup.user.email,
            f"You have a place at {event.title}",
            "events/emails/promoted.txt",
            user=signup.user,
            event=event,
            event_url=email_link("events.detail", event_id=event.id),
            cancel_url=cancel_link(signup),
        )
    db.session.flush()
    return promoted


def change_capacity(event: Event, capacity: int, now: datetime | None = None) -> None:
    """A larger capacity promotes people waiting; a smaller one never takes a place away."""
    event = _locked(event)
    event.capacity = capacity
    db.session.flush()
    promote_waiting(event, now)


def _still_changeable(event: Event, now: datetime) -> None:
    if event.status != SCHEDULED:
        raise SignupError("This event is cancelled: it can no longer be changed.")
    if event.starts_at <= now:
        raise SignupError("This event has started: it can no longer be changed.")


def signed_up_people(event: Event) -> list[EventSignup]:
    """Everyone with a place or waiting for one, in sign-up order."""
    return list(
        db.session.scalars(
            select(EventSignup)
            .where(EventSignup.event_id == event.id, EventSignup.status.in_((CONFIRMED, WAITING)))
            .order_by(EventSignup.signed_up_at, EventSignup.id)
            .options(selectinload(EventSignup.user))
        )
    )


def _tell_everyone(event: Event, subject: str, template: str, **context: object) -> int:
    signups = signed_up_people(event)
    event_url = email_link("events.detail", event_id=event.id)
    for signup in signups:
        send_email(
            signup.user.email,
            subject,
            template,
            user=signup.user,
            signup=signup,
            event=event,
            event_url=event_url,
            cancel_url=cancel_link(signup),
            **context,
        )
    return len(signups)


def update_event(
    event: Event,
    values: dict[str, object],
    capacity: int,
    ambition_ids: set[int],
    now: datetime | None = None,
) -> list[str]:
    """Apply the organiser's changes and return the names of the fields that changed.

    Each edit raises the iCalendar SEQUENCE, is audited with the old and new values, and
    emails everyone signed up when the time or place moved. A larger capacity promotes
    people waiting; a capacity below the places already given is refused."""
    now = now or utcnow()
    event = _locked(event)
    _still_changeable(event, now)
    confirmed = places_at(event).confirmed
    if capacity < confirmed:
        raise SignupError(
            f"{confirmed} {'person has' if confirmed == 1 else 'people have'} a place: "
            f"enter at least {confirmed} places"
        )
    changes: dict[str, tuple[object, object]] = {
        name: (getattr(event, name), values[name])
        for name in EDITABLE
        if getattr(event, name) != values[name]
    }
    if capacity != event.capacity:
        changes["capacity"] = (event.capacity, capacity)
    before = {a.id for a in event.ambitions}
    if before != ambition_ids:
        changes["ambitions"] = (sorted(before), sorted(ambition_ids))
        event.ambitions = list(
            db.session.scalars(select(Ambition).where(Ambition.id.in_(ambition_ids)))
        )
    if not changes:
        return []
    for name, (_, new) in changes.items():
        if name != "ambitions":
            setattr(event, name, new)
    event.revision += 1
    audit.record(
        "event.updated",
        event,
        summary=f"Changed {event.title}",
        organisation_id=event.organiser_id,
        changes=changes,
    )
    db.session.flush()
    promote_waiting(event, now)
    if any(name in TIME_AND_PLACE for name in changes):
        _tell_everyone(event, f"{event.title} has changed", "events/emails/changed.txt")
    return list(changes)


def cancel_event(event: Event, reason: str, now: datetime | None = None) -> int:
    """Cancel the event for everyone: sign-ups are kept (so the history stays) and each
    person signed up or waiting is emailed the reason. Returns how many were told."""
    now = now or utcnow()
    event = _locked(event)
    _still_changeable(event, now)
    event.status = CANCELLED
    event.revision += 1
    audit.record(
        "event.cancelled",
        event,
        summary=f"Cancelled {event.title}: {reason}",
        organisation_id=event.organiser_id,
        changes={"status": (SCHEDULED, CANCELLED)},
        details={"reason": reason},
    )
    db.session.flush()
    return _tell_everyone(
        event, f"Cancelled: {event.title}", "events/emails/cancelled.txt", reason=reason
    )


def _feed_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


def feed_token(user: User) -> str:
    """The secret part of a person's calendar feed address: signed, so it cannot be guessed
    from another person's, and fixed, so a calendar app can poll it for good."""
    return str(_feed_signer().dumps({"user": user.id}))


def cancel_token(signup: EventSignup) -> str:
    """The secret part of the "cancel my place" link in a person's emails: it names one
    sign-up, so the link cancels that place without signing in and nothing else."""
    return str(_cancel_signer().dumps({"signup": signup.id}))


def signup_for_cancel_token(token: str) -> EventSignup | None:
    try:
        data = _cancel_signer().loads(token)
    except BadSignature:
        return None
    signup_id = data.get("signup") if isinstance(data, dict) else None
    return db.session.get(EventSignup, signup_id) if isinstance(signup_id, int) else None


def cancel_link(signup: EventSignup) -> str:
    """The absolute address emails give for cancelling this place."""
    return email_link("events.cancel_from_email", token=cancel_token(signup))


def _cancel_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CANCEL_SALT)


def user_id_for_feed_token(token: str) -> int | None:
    try:
        data = _feed_signer().loads(token)
    except BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def events_of(user_id: int, *, limit: int = 500) -> list[Event]:
    """The events a person has a place at or is waiting for, cancelled ones included (so a
    calendar app removes them), soonest first."""
    return list(
        db.session.scalars(
            select(Event)
            .join(EventSignup, EventSignup.event_id == Event.id)
            .where(EventSignup.user_id == user_id, EventSignup.status.in_((CONFIRMED, WAITING)))
            .order_by(Event.starts_at, Event.id)
            .options(selectinload(Event.ward))
            .limit(limit)
        )
    )


def record_attendance(event: Event, attended_ids: set[int], now: datetime | None = None) -> int:
    """Mark who came (confirmed sign-ups only, once the event has started), audited with the
    count before and after; returns how many attended."""
    now = now or utcnow()
    if event.starts_at > now:
        raise SignupError("Attendance can be recorded once the event has started.")
    confirmed = db.session.scalars(
        select(EventSignup).where(EventSignup.event_id == event.id, EventSignup.status == CONFIRMED)
    ).all()
    unknown = attended_ids - {s.id for s in confirmed}
    if unknown:
        raise SignupError("Only people with a confirmed place can be marked as attending.")
    before = sum(1 for s in confirmed if s.attended)
    for signup in confirmed:
        signup.attended = signup.id in attended_ids
    after = len(attended_ids)
    audit.record(
        "event.attendance_recorded",
        event,
        summary=f"Attendance at {event.title}: {after} of {len(confirmed)}",
        organisation_id=event.organiser_id,
        changes={"attended": (before, after)} if before != after else None,
    )
    db.session.flush()
    return after


def people_reached(event_ids: Sequence[int]) -> dict[int, int]:
    """Attendance per event: what the event counts as people reached."""
    if not event_ids:
        return {}
    return dict(
        db.session.execute(
            select(EventSignup.event_id, func.count())
            .where(EventSignup.event_id.in_(event_ids), EventSignup.attended.is_(True))
            .group_by(EventSignup.event_id)
        ).all()
    )


@dataclass(frozen=True)
class OrganiserSummary:
    organised: int  # every event, cancelled ones included
    upcoming: int
    held: int  # finished events with attendance recorded
    people_reached: int  # people marked as having come, over all its events


def organiser_summary(organisation_id: int, now: datetime | None = None) -> OrganiserSummary:
    """One aggregate query for the organisation home page's events panel."""
    now = now or utcnow()
    came = (
        select(func.count())
        .select_from(EventSignup)
        .join(Event, Event.id == EventSignup.event_id)
        .where(Event.organiser_id == organisation_id, EventSignup.attended.is_(True))
        .scalar_subquery()
    )
    held = (
        select(func.count(EventSignup.event_id.distinct()))
        .join(Event, Event.id == EventSignup.event_id)
        .where(Event.organiser_id == organisation_id, EventSignup.attended.is_not(None))
        .scalar_subquery()
    )
    events = select(
        func.count(),
        func.count().filter(Event.status == SCHEDULED, Event.ends_at > now),
        held,
        came,
    ).where(Event.organiser_id == organisation_id)
    row = db.session.execute(events).one()
    return OrganiserSummary(organised=row[0], upcoming=row[1], held=row[2], people_reached=row[3])


def due_reminders(now: datetime) -> list[Event]:
    """Scheduled events starting in the next 24 hours whose reminders have not gone for
    this start time (a moved event is reminded again)."""
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.status == SCHEDULED,
                Event.starts_at > now,
                Event.starts_at <= now + timedelta(days=1),
                or_(Event.reminder_sent_for.is_(None), Event.reminder_sent_for != Event.starts_at),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )


def confirmed_signups(event: Event) -> list[EventSignup]:
    """The confirmed places, with their people, in sign-up order."""
    return list(
        db.session.scalars(
            select(EventSignup)
            .where(EventSignup.event_id == event.id, EventSignup.status == CONFIRMED)
            .order_by(EventSignup.signed_up_at, EventSignup.id)
            .options(selectinload(EventSignup.user))
        )
    )
