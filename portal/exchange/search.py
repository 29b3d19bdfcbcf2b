"""What the exchange lists for others, and keyword search over it: one interface, PostgreSQL
full-text search or SQLite LIKE."""

from __future__ import annotations

import re

from sqlalchemy import and_, func, or_, text
from sqlalchemy.sql.elements import ColumnElement

from ..orgs.services import counted_organisations
from .models import LISTING_OPEN, Listing, search_document

# Longer searches are cut here (the browse form already refuses more than 100 characters).
MAX_QUERY = 200


def listed() -> ColumnElement[bool]:
    """What the exchange shows others: open, not hidden by a moderator, and its organisation
    approved (a suspended organisation's listings are not listed, searched or suggested)."""
    return and_(
        Listing.status == LISTING_OPEN,
        Listing.hidden_at.is_(None),
        Listing.organisation_id.in_(counted_organisations()),
    )


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyword_condition(query: str, dialect: str) -> ColumnElement[bool] | None:
    """Keyword search over title and description, the same question on both databases.

    PostgreSQL: full-text search with the GIN index, stemmed English words, and the search-box
    syntax of `websearch_to_tsquery` ("exact phrase", -without, this or that; it never raises
    on odd input). SQLite: every word must appear in the title or the description
    (case-insensitive), which finds the same listings for plain words, without stemming.
    A query with no words at all (only punctuation) does not filter.
    """
    words = re.findall(r"\w+", query.lower())[:10]
    if not words:
        return None
    if dialect == "postgresql":
        return search_document(Listing.title, Listing.description).op("@@")(
            func.websearch_to_tsquery(text("'english'::regconfig"), query[:MAX_QUERY])
        )
    return and_(
        *[
            or_(
                Listing.title.ilike(f"%{_escape_like(word)}%", escape="\\"),
                Listing.description.ilike(f"%{_escape_like(word)}%", escape="\\"),
            )
            for word in words
        ]
    )
