"""Refresh jobs: triggered by data changes (coalesced), nightly, retried when they fail.

Coalescing: a change marks the data dirty and enqueues `refresh_insights` under a
deterministic RQ id, so while one is waiting, further changes queue nothing more. A run clears
the flag as it starts; if the flag is set again when it ends (an edit came in during the run),
it queues exactly one follow-up. The follow-up has the other `turn` id, because RQ still counts
the finishing run as in flight under its own.

In-process (no Redis) a run blocks the request that triggers it, so an edit within
`INSIGHTS_IN_PROCESS_INTERVAL` seconds of the last run's start only marks the data dirty; the
`insights-pending` sweep (every minute) runs it then. A burst of edits makes two runs at most.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..activities.models import Activity, PartnerTag
from ..assessment.models import Answer, Assessment
from ..core.models import utcnow
from ..events.models import Event, EventSignup
from ..exchange.models import ExchangeMatch, Listing
from ..extensions import db
from ..initiatives.models import Contribution
from ..jobs import deterministic_id, enqueue
from ..orgs.models import NetworkMembership, Organisation
from ..pledges.models import Pledge, PledgeExchangeLink, PledgeRevision, ProgressUpdate, ProxyValue
from ..scorecard.models import IndicatorValue, WardDeprivation
from .aggregate import refresh
from .models import FAILED, InsightChange, InsightSnapshot, InsightState

log = logging.getLogger(__name__)
_CHANGED_KEY = "insights_data_changed"
# Rows whose change can change a figure.
TRACKED = (
    Activity,
    PartnerTag,
    Contribution,
    Pledge,
    ProgressUpdate,
    PledgeRevision,
    PledgeExchangeLink,
    ProxyValue,
    Listing,
    ExchangeMatch,
    Assessment,
    Answer,
    IndicatorValue,
    WardDeprivation,
    Organisation,
    NetworkMembership,
    Event,
    EventSignup,
)


Change = tuple[str, int | None]
# What an event's figures read besides its attendance.
EVENT_COUNTED_BY = ("status", "starts_at", "ward_id", "organiser_id", "ambitions")


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    """Deleted, or one of `names` changed since it was loaded (a new row: set at all)."""
    state = inspect(obj)
    return state.deleted or any(state.attrs[name].history.has_changes() for name in names)


def changes_of(obj: Any) -> list[Change]:
    """What a flushed row changes for the figures: the rows an incremental run recounts the
    organisations of (see `aggregate.FAMILIES_OF_CHANGE`), the scorecard, or everything."""
    if isinstance(obj, Activity):
        return [("activity", obj.id)]
    if isinstance(obj, PartnerTag | Contribution):
        return [("activity", obj.activity_id)]
    if isinstance(obj, Pledge):
        return [("pledge", obj.id)]
    if isinstance(obj, ProgressUpdate | PledgeRevision | PledgeExchangeLink):
        return [("pledge", obj.pledge_id)]
    if isinstance(obj, Listing):
        return [("listing", obj.id)]
    if isinstance(obj, ExchangeMatch):
        return [("listing", obj.offer_id), ("listing", obj.request_id)]
    if isinstance(obj, Assessment):
        return [("assessment", obj.id)]
    if isinstance(obj, Answer):
        return [("assessment", obj.assessment_id)]
    if isinstance(obj, Event):
        # A new event has no attendance yet; an edit moves figures only through these.
        if _changed(obj, EVENT_COUNTED_BY):
            return [("event", obj.id)]
        return []
    if isinstance(obj, EventSignup):
        # Signing up and cancelling move no figure: only attendance does.
        return [("event", obj.event_id)] if _changed(obj, ("attended",)) else []
    if isinstance(obj, IndicatorValue):
        return [("scorecard", None)]
    counted_differently = ("kind", "status")
    if (
        isinstance(obj, Organisation)
        and inspect(obj).persistent
        and not _changed(obj, counted_differently)
    ):
        return [("organisation", obj.id)]
    # Proxy values, ward deprivation, network memberships, an organisation's kind or status:
    # they move every figure of many organisations, so a full run.
    return [("all", None)]


def _set_dirty(connection: Any, dirty: bool) -> None:
    """Set the flag; clearing it is a run starting, so that time is kept too."""
    values: dict[str, Any] = {"dirty": dirty}
    values["requested_at" if dirty else "started_at"] = utcnow()
    result = connection.execute(update(InsightState).where(InsightState.id == 1).values(values))
    if result.rowcount == 0:
        connection.execute(insert(InsightState).values(id=1, **values))


def is_dirty() -> bool:
    return bool(db.session.scalar(select(InsightState.dirty).where(InsightState.id == 1)))


def request_refresh() -> None:
    """Figures are out of date: once the current transaction commits, mark the data dirty and
    queue a (coalesced) full refresh."""
    db.session.info.setdefault(_CHANGED_KEY, set()).add(("all", None))


def _auto_refresh() -> bool:
    return has_app_context() and bool(current_app.config.get("INSIGHTS_AUTO_REFRESH", True))


def _after_flush(session: Session, flush_context: Any) -> None:
    changed = [
        obj for obj in (*session.new, *session.dirty, *session.deleted) if isinstance(obj, TRACKED)
    ]
    if changed and _auto_refresh():
        found = session.info.setdefault(_CHANGED_KEY, set())
        for obj in changed:
            found.update(changes_of(obj))


def _after_commit(session: Session) -> None:
    changes = session.info.pop(_CHANGED_KEY, None)
    if not changes:
        return
    # Its own short transaction, after the change committed: no lock held with the edit's. A
    # process that dies between the two leaves the change to the nightly run, and so does a
    # database that goes away between them: the edit is saved, so its page must not say it
    # failed (the person would make it again).
    if ("all", None) in changes:
        changes = {("all", None)}
    try:
        with db.engine.begin() as connection:
            connection.execute(
                insert(InsightChange), [{"kind": kind, "ref_id": ref} for kind, ref in changes]
            )
            _set_dirty(connection, True)
            last_start = connection.scalar(
                select(InsightState.started_at).where(InsightState.id == 1)
            )
    except DBAPIError:
        log.warning("Insights change not recorded (left to the nightly run)", exc_info=True)
        return
    if not current_app.config.get("REDIS_URL") and last_start is not None:
        interval = timedelta(seconds=current_app.config.get("INSIGHTS_IN_PROCESS_INTERVAL", 30))
        if utcnow() - last_start < interval:
            return  # the sweep runs it
    enqueue(refresh_insights, 0)


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED_KEY, None)


def install_listeners() -> None:
    """Listen on every session (idempotent: the app factory may run many times)."""
    for name, listener in (
        ("after_flush", _after_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


@deterministic_id("refresh-insights-{turn}")
def refresh_insights(turn: int = 0, incremental: bool = True) -> int:
    """Bring the figures up to date (only the organisations the recorded changes concern, when
    `incremental` and possible; see `aggregate.refresh`); returns the current snapshot's id. A
    failure records a failed snapshot (the previous one stays current), leaves the data dirty
    and raises, so the job is retried (RQ retries, or the in-process attempts); the changes it
    took are still recorded, as its transaction rolled back."""
    _set_dirty(db.session.connection(), False)
    db.session.commit()
    try:
        snapshot_id = refresh(incremental=incremental).id
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        db.session.add(InsightSnapshot(status=FAILED, error=str(error)[:2000]))
        _set_dirty(db.session.connection(), True)
        db.session.commit()
        raise
    if is_dirty():
        enqueue(refresh_insights, 1 - turn)
    return snapshot_id


def refresh_if_dirty() -> int | None:
    """The sweep: a run for changes no run has picked up yet (in-process bursts, a lost job)."""
    if not is_dirty():
        return None
    return refresh_insights(0)


def refresh_insights_nightly() -> int:
    """The nightly full run, whatever changed: pledge statuses move with the date, and it
    makes good any change whose record a dying process lost."""
    return refresh_insights(0, incremental=False)


def refresh_for_demo() -> None:
    """The demo seeder's last step: real figures for `make run`."""
    refresh_insights(0, incremental=False)
