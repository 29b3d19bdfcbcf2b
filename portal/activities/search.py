"""Keyword search over activities' titles and descriptions: one interface, PostgreSQL full-text
search (the GIN index on `models.search_document`) or, on SQLite, LIKE over the words."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, and_, func, not_, or_, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..core.pagination import COUNT_CAP
from .models import Activity, search_document

# Longer searches are cut: nobody types more, and the tsquery stays small.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10


def escape_like(word: str) -> str:
    """`word` as a LIKE pattern's literal text (with `escape="\\"`)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _mentions(word: str, activity: Any) -> ColumnElement[bool]:
    pattern = f"%{escape_like(word)}%"
    return or_(
        activity.title.ilike(pattern, escape="\\"),
        activity.description.ilike(pattern, escape="\\"),
    )


def keyword_condition(
    query: str, dialect: str, activity: Any = Activity
) -> ColumnElement[bool] | None:
    """Activities matching `query`, or None when it has no words (then nothing is filtered).

    PostgreSQL: `websearch_to_tsquery`, so people can search as they would on a search engine:
    stemmed English words, all of which must appear, "a phrase" in quotes, `or`, and -word to
    leave a word out. SQLite: every word must appear in the title or the description
    (case-insensitive, no stemming) and a -word must not; quotes and `or` count as plain words.
    """
    query = query.strip()[:MAX_QUERY_LENGTH]
    terms = re.findall(r"(-?)(\w+)", query.lower())[:MAX_WORDS]
    if not terms:
        return None
    if dialect == "postgresql":
        return search_document(activity.title, activity.description).op("@@")(
            func.websearch_to_tsquery(text("'english'::regconfig"), query)
        )
    return and_(
        *[
            not_(_mentions(word, activity)) if minus else _mentions(word, activity)
            for minus, word in terms
        ]
    )


# The newest this many matches are searched, twice the lists' count cap: enough that a count
# still says "more than 10,000" when up to half of them are hidden from the viewer (private
# or led by a suspended organisation), and a word in every activity costs 20,002 rows.
SEARCHED_MATCHES = 2 * (COUNT_CAP + 1)


def matching_ids(query: str, dialect: str) -> Select | None:
    """Ids of the newest activities matching `query` (None: no words, no filter), for
    `id IN (...)`.

    A separate subquery, not a condition on the list's own rows: otherwise PostgreSQL may walk
    the newest-first index and compute every row's tsvector until it finds a page of matches
    (6 s at city scale for a word only one activity has); here it reads the GIN index once.
    Its LIMIT (newest first) also fences it off from the outer query and bounds a word nearly
    every activity has, where PostgreSQL would otherwise compute every row's tsvector (5 s).
    """
    searched = aliased(Activity, name="searched_activities")
    condition = keyword_condition(query, dialect, searched)
    if condition is None:
        return None
    return (
        select(searched.id)
        .where(condition)
        .order_by(searched.start_date.desc(), searched.id.desc())
        .limit(SEARCHED_MATCHES)
    )
