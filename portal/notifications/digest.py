"""What a weekly digest says: pending items grouped by kind (registry order), oldest first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .kinds import KINDS, Kind


class Item(Protocol):
    id: int
    kind: str
    subject: str
    body: str
    created_at: datetime


@dataclass
class Section:
    kind: Kind
    items: list[Item] = field(default_factory=list)


def sections_of(items: Iterable[Item]) -> list[Section]:
    """One section per kind that has items, in the registry's order; each oldest first."""
    by_kind: dict[str, Section] = {kind.code: Section(kind) for kind in KINDS}
    for item in items:
        by_kind[item.kind].items.append(item)
    sections = [section for section in by_kind.values() if section.items]
    for section in sections:
        section.items.sort(key=lambda item: (item.created_at, item.id))
    return sections


def digest_subject(count: int) -> str:
    return f"Your weekly Anchor Portal digest: {count} update{'' if count == 1 else 's'}"


def digest_text(body: str) -> str:
    """An email body as a digest entry: without its greeting ("Hello Sam,") or sign-off, which
    the digest has once for all its entries."""
    lines = body.strip().splitlines()
    if lines and lines[0].startswith("Hello") and lines[0].rstrip().endswith(","):
        lines = lines[1:]
    if lines and lines[-1].strip() == "Anchor Portal":
        lines = lines[:-1]
    return "\n".join(lines).strip()
