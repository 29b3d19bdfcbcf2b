"""Partner tags made before acceptance existed (the demo's among them) migrate as accepted."""

from __future__ import annotations

import sqlite3

from tests.test_migrations import MIGRATIONS


def test_upgrade_keeps_existing_partner_tags_as_accepted(tmp_path):
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    path = tmp_path / "partners.sqlite"
    migrated = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS), revision="0017_edit_versions")
        db.engine.dispose()
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO activity_partners (activity_id, organisation_id) VALUES (?, ?)",
        [(1, 2), (1, 3), (2, 2)],
    )
    conn.commit()
    conn.close()

    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        db.engine.dispose()
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT activity_id, organisation_id, status, requested_at IS NOT NULL"
        " FROM activity_partners ORDER BY activity_id, organisation_id"
    ).fetchall()
    conn.close()
    assert rows == [(1, 2, "accepted", 1), (1, 3, "accepted", 1), (2, 2, "accepted", 1)]
