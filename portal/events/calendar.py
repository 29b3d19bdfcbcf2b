"""iCalendar (RFC 5545) files for one event and feeds of many, built with `icalendar`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import CANCELLED, Event

PRODUCT_ID = "-//Anchor Portal//Events//EN"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _where(event: Event) -> str:
    if event.online:
        return event.online_url or "Online"
    ward = event.ward.name if event.ward is not None else ""
    return ", ".join(part for part in (event.address, ward) if part)


def calendar_of(
    events: Iterable[Event], *, name: str, url_of: Callable[[Event], str], domain: str
) -> bytes:
    """One VCALENDAR with a VEVENT per event; `url_of(event)` gives each event's page.

    The UID is stable (`event-<id>@<domain>`) and SEQUENCE is the event's revision, so a
    calendar app updates the entry it already has instead of adding another."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.id}@{domain}")
        entry.add("dtstamp", _utc(event.updated_at))
        entry.add("dtstart", _utc(event.starts_at))
        entry.add("dtend", _utc(event.ends_at))
        entry.add("summary", event.title)
        if event.summary:
            entry.add("description", event.summary)
        location = _where(event)
        if location:
            entry.add("location", location)
        entry.add("url", url_of(event))
        entry.add("sequence", event.revision)
        entry.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
        calendar.add_component(entry)
    return calendar.to_ical()
