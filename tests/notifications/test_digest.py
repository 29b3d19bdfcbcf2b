"""The pure parts: the kinds registry, and how a digest groups, orders and words its items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from portal.notifications.digest import digest_subject, digest_text, sections_of
from portal.notifications.kinds import (
    CHOICES,
    DEFAULT_CHOICE,
    EVENT_REMINDERS,
    EXCHANGE_MESSAGES,
    GROUP_UPDATES,
    IMMEDIATE,
    KIND_CODES,
    KINDS,
    UnknownKind,
    kind_of,
)


@dataclass
class Item:
    id: int
    kind: str
    subject: str
    created_at: datetime
    body: str = "Body"


def test_the_registry_has_the_five_kinds_each_with_words_for_people() -> None:
    assert KIND_CODES == (
        "group_updates",
        "exchange_messages",
        "event_reminders",
        "pledge_reminders",
        "assessment_reminders",
    )
    assert all(kind.label and kind.hint.endswith(".") for kind in KINDS)
    assert CHOICES == ("immediate", "digest", "none")
    assert DEFAULT_CHOICE == IMMEDIATE
    assert kind_of(EVENT_REMINDERS).lower_label == "event reminders"


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(UnknownKind, match="No notification kind 'newsletters'"):
        kind_of("newsletters")


def test_sections_follow_the_registry_order_and_each_lists_oldest_first() -> None:
    items = [
        Item(1, EVENT_REMINDERS, "Event B", datetime(2026, 3, 4)),
        Item(2, EXCHANGE_MESSAGES, "Message", datetime(2026, 3, 5)),
        Item(3, EVENT_REMINDERS, "Event A", datetime(2026, 3, 1)),
        Item(4, GROUP_UPDATES, "Group", datetime(2026, 3, 9)),
        Item(5, EVENT_REMINDERS, "Event A too", datetime(2026, 3, 1)),  # same time: by id
    ]
    sections = sections_of(items)
    assert [section.kind.code for section in sections] == [
        GROUP_UPDATES,
        EXCHANGE_MESSAGES,
        EVENT_REMINDERS,
    ]
    assert [item.subject for item in sections[2].items] == ["Event A", "Event A too", "Event B"]


def test_no_items_no_sections() -> None:
    assert sections_of([]) == []


def test_the_subject_counts_updates_in_the_right_plural() -> None:
    assert digest_subject(1) == "Your weekly Anchor Portal digest: 1 update"
    assert digest_subject(3) == "Your weekly Anchor Portal digest: 3 updates"


def test_an_entry_drops_the_greeting_and_sign_off_but_keeps_the_news() -> None:
    body = "Hello Sam,\n\nThis is a reminder.\n\nhttps://portal/events/1\n\nAnchor Portal\n"
    assert digest_text(body) == "This is a reminder.\n\nhttps://portal/events/1"
    assert digest_text("Hello,\n\nA message.") == "A message."
    assert digest_text("Hello there is no comma\nnews") == "Hello there is no comma\nnews"
