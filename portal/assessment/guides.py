"""Good-practice guides: short pages written for this portal, kept as data in `data/guides.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

GUIDES_FILE = Path(__file__).parent / "data" / "guides.yaml"


@dataclass(frozen=True)
class GuideSection:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    sections: tuple[GuideSection, ...]


@cache
def all_guides() -> tuple[Guide, ...]:
    """Every guide, in the file's order (read once per process)."""
    raw = yaml.safe_load(GUIDES_FILE.read_text(encoding="utf-8"))
    guides = []
    for index, item in enumerate(raw["guides"]):
        try:
            guides.append(
                Guide(
                    slug=item["slug"],
                    title=item["title"],
                    summary=item["summary"],
                    sections=tuple(
                        GuideSection(s["heading"], tuple(s["paragraphs"])) for s in item["sections"]
                    ),
                )
            )
        except (KeyError, TypeError) as error:
            raise ValueError(f"{GUIDES_FILE.name}: guides[{index}] is missing {error}") from error
    return tuple(guides)


def guide_slugs() -> set[str]:
    return {g.slug for g in all_guides()}


def find_guide(slug: str) -> Guide | None:
    return next((g for g in all_guides() if g.slug == slug), None)
