"""Status and kind words stored as strings: declared words, checked by the database."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import CheckConstraint


def one_of(column: str, words: Iterable[str], *, nullable: bool = False) -> CheckConstraint:
    """A CHECK that `column` holds one of the declared words (or NULL, when `nullable`).

    Named after the column; the metadata's naming convention prefixes `ck_<table>_`, so a
    migration can drop or replace it by name on SQLite too.
    """
    listed = ", ".join(f"'{word}'" for word in words)
    condition = f"{column} IN ({listed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(condition, name=column)
