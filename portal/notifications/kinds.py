"""The kinds of email people choose about, and the three ways to get each: one registry.

A feature that emails about one of these kinds calls `notifications.services.notify` with its
code instead of `send_email`, so the person's choice is honoured and the email carries the
link to change it.
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP_UPDATES = "group_updates"
EXCHANGE_MESSAGES = "exchange_messages"
EVENT_REMINDERS = "event_reminders"
PLEDGE_REMINDERS = "pledge_reminders"
ASSESSMENT_REMINDERS = "assessment_reminders"

IMMEDIATE = "immediate"
DIGEST = "digest"
NONE = "none"
CHOICES = (IMMEDIATE, DIGEST, NONE)
DEFAULT_CHOICE = IMMEDIATE  # no stored row means this
CHOICE_LABELS = {
    IMMEDIATE: "Email me straight away",
    DIGEST: "Put them in a weekly digest email",
    NONE: "Do not email me about these",
}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # a plural noun phrase: "Event reminders"
    hint: str

    @property
    def lower_label(self) -> str:
        return self.label[0].lower() + self.label[1:]


KINDS = (
    Kind(
        GROUP_UPDATES,
        "Group updates",
        "New posts and changes in the partner groups you belong to.",
    ),
    Kind(
        EXCHANGE_MESSAGES,
        "Exchange messages",
        "Messages from another organisation about an exchange your organisation is part of.",
    ),
    Kind(
        EVENT_REMINDERS,
        "Event reminders",
        "A reminder the day before an event you have a place at.",
    ),
    Kind(
        PLEDGE_REMINDERS,
        "Pledge progress reminders",
        "When a progress report on one of your organisation's pledges is overdue.",
    ),
    Kind(
        ASSESSMENT_REMINDERS,
        "Assessment action reminders",
        "When an action in your organisation's anchor action plan becomes overdue.",
    ),
)
KIND_CODES = tuple(kind.code for kind in KINDS)
_BY_CODE = {kind.code: kind for kind in KINDS}


class UnknownKind(ValueError):
    """A caller named a kind that is not in the registry (a programming error)."""


def kind_of(code: str) -> Kind:
    """The registered kind with this code; UnknownKind otherwise."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise UnknownKind(
            f"No notification kind {code!r}; known: {', '.join(KIND_CODES)}"
        ) from None
