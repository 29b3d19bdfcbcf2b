"""Sending a notification in tests: a real feature's template (the event reminder)."""

from __future__ import annotations

import re
from typing import Any

from portal.notifications.kinds import EVENT_REMINDERS
from portal.notifications.services import notify

CHOICE_LINK = re.compile(r"https?://[^\s/]+(/email-choices/[A-Za-z0-9._-]+)")


def remind(user: Any, event: Any, kind: str = EVENT_REMINDERS) -> Any:
    return notify(
        user,
        kind,
        f"Reminder: {event.title} is tomorrow",
        "events/emails/reminder.txt",
        user=user,
        event=event,
        event_url=f"https://portal.example.org/events/{event.id}",
    )


def choice_paths(body: str) -> list[str]:
    """The one-click choice links in an email body, as paths the test client can open."""
    return CHOICE_LINK.findall(body)
