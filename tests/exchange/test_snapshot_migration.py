"""Issue 10, item 4: matches delivered before the snapshot keep their offer's type and title."""

from __future__ import annotations

import sqlite3

from sqlalchemy import create_engine, inspect

from tests.test_migrations import MIGRATIONS

FILLERS = {"INTEGER": 1, "BOOLEAN": 0, "DATE": "2026-01-01", "DATETIME": "2026-01-01 00:00:00"}


def _insert(conn: sqlite3.Connection, columns: list[dict], table: str, **values: object) -> None:
    """A row with the given values and a filler for every other required column."""
    row = dict(values)
    for column in columns:
        if column["name"] in row or column["nullable"] or column.get("default") is not None:
            continue
        if column.get("autoincrement") is True or column["name"] == "id":
            continue
        kind = str(column["type"]).split("(")[0]
        row[column["name"]] = FILLERS.get(kind, "1" if kind == "NUMERIC" else "x")
    names = ", ".join(row)
    conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )


def test_upgrade_fills_the_snapshot_of_delivered_matches(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    path = tmp_path / "snapshot.sqlite"
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0010_status_checks")
        db.engine.dispose()
    engine = create_engine(f"sqlite:///{path}")
    inspector = inspect(engine)
    listing_columns = inspector.get_columns("exchange_listings")
    match_columns = inspector.get_columns("exchange_matches")
    engine.dispose()

    conn = sqlite3.connect(path)
    listing = {"resource_type": "equipment", "status": "open", "urgency": None}
    _insert(
        conn,
        listing_columns,
        "exchange_listings",
        id=1,
        side="offer",
        title="Chest freezer",
        **listing,
    )
    _insert(
        conn,
        listing_columns,
        "exchange_listings",
        id=2,
        side="request",
        title="Freezers",
        **listing,
    )
    _insert(
        conn, match_columns, "exchange_matches", id=1, offer_id=1, request_id=2, status="delivered"
    )
    _insert(
        conn, match_columns, "exchange_matches", id=2, offer_id=1, request_id=2, status="accepted"
    )
    conn.commit()
    conn.close()

    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        db.engine.dispose()
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT id, delivered_resource_type, delivered_title FROM exchange_matches ORDER BY id"
    ).fetchall()
    conn.close()
    assert rows == [(1, "equipment", "Chest freezer"), (2, None, None)]
