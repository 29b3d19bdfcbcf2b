"""Events for tests: one organiser, a start time relative to now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portal.core.models import Ward, utcnow
from portal.events.models import Event
from portal.extensions import db
from tests.factories import OrganisationFactory


def make_event(
    *, capacity: int = 2, starts_in: timedelta = timedelta(days=7), **fields: Any
) -> Event:
    starts_at = utcnow().replace(microsecond=0) + starts_in
    values: dict[str, Any] = {
        "title": "Meet the buyer",
        "summary": "Buyers from the anchor network meet local suppliers.",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": capacity,
        "address": "Civic Hall, Calverley Street",
        "ward": db.session.query(Ward).first(),
        **fields,
    }
    if "organiser_id" not in values:
        values["organiser_id"] = OrganisationFactory().id
    event = Event(**values)
    db.session.add(event)
    db.session.commit()
    return event
