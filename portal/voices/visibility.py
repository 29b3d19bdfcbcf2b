"""Which stories anyone may see: the one predicate every page, dashboard and the report use.

A story is shown for a use ("portal" or "report") when it is published and every featured
person's consent is in force and allows that use. Withdrawing one consent therefore hides the
story everywhere at once, whatever its status says.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select

from ..extensions import db
from .models import PUBLISHED, USE_PORTAL, Story, StoryConsent


def story_is_shown(use: str = USE_PORTAL) -> ColumnElement[bool]:
    """SQL condition on `Story`: published, and no consent withdrawn or short of `use`."""
    blocking = exists().where(
        StoryConsent.story_id == Story.id,
        or_(StoryConsent.withdrawn_at.is_not(None), not_(StoryConsent.uses.like(f"%,{use},%"))),
    )
    return and_(Story.status == PUBLISHED, not_(blocking))


def shown_stories(use: str = USE_PORTAL) -> Any:
    """A `select(Story)` of the stories shown for `use`, newest first."""
    return (
        select(Story)
        .where(story_is_shown(use))
        .order_by(Story.published_at.desc(), Story.id.desc())
    )


def is_shown(story: Story, use: str = USE_PORTAL) -> bool:
    return bool(
        db.session.scalar(select(Story.id).where(Story.id == story.id, story_is_shown(use)))
    )


def shown_ids(ids: Iterable[int], use: str) -> set[int]:
    """Which of these story ids are shown for `use` now (one query)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return set()
    return set(
        db.session.scalars(select(Story.id).where(Story.id.in_(wanted), story_is_shown(use)))
    )
