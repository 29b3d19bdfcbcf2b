"""csv imports: one status vocabulary, checked by the database, and one set of columns

Activity and scorecard imports share core.csv_import's statuses (queued, checking, imported,
rejected, failed), the imported_rows and error_count columns and one errors_json shape
([row or null, column, message]).

Revision ID: 0009_import_status
Revises: 0007_periodic_job_runs
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0009_import_status"
down_revision = "0007_periodic_job_runs"
branch_labels = None
depends_on = None

STATUSES = ("queued", "checking", "imported", "rejected", "failed")
ACTIVITY_STATUSES = {"completed": "imported"}
# The scorecard's "failed" meant rows with problems: the shared word for that is "rejected".
SCORECARD_STATUSES = {
    "pending": "queued",
    "running": "checking",
    "succeeded": "imported",
    "failed": "rejected",
}
CHECK = "status IN ('queued', 'checking', 'imported', 'rejected', 'failed')"


def _table(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("errors_json", sa.Text),
        sa.column("error_count", sa.Integer),
    )


def _rename_statuses(name: str, mapping: dict[str, str]) -> None:
    table = _table(name)
    for old, new in mapping.items():
        op.execute(table.update().where(table.c.status == old).values(status=new))


def _rewrite_errors(name: str, convert) -> None:
    """Rewrite every stored problem list into the shared shape, and count it."""
    table = _table(name)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(table.c.id, table.c.errors_json).where(table.c.errors_json != "")
    ).all()
    for row_id, errors_json in rows:
        errors = [convert(item) for item in json.loads(errors_json)]
        connection.execute(
            table.update()
            .where(table.c.id == row_id)
            .values(errors_json=json.dumps(errors), error_count=len(errors))
        )


def upgrade():
    with op.batch_alter_table("activity_imports") as batch:
        batch.alter_column("created_count", new_column_name="imported_rows")
    _rename_statuses("activity_imports", ACTIVITY_STATUSES)
    # Whole-file problems were row 0 here and None in the scorecard: None for both.
    _rewrite_errors("activity_imports", lambda item: [item[0] or None, item[1], item[2]])
    with op.batch_alter_table("activity_imports") as batch:
        batch.create_check_constraint("import_status", CHECK)

    with op.batch_alter_table("scorecard_imports") as batch:
        batch.alter_column("applied_rows", new_column_name="imported_rows")
        batch.add_column(sa.Column("error_count", sa.Integer(), nullable=False, server_default="0"))
    _rename_statuses("scorecard_imports", SCORECARD_STATUSES)
    _rewrite_errors(
        "scorecard_imports", lambda item: [item.get("row"), item["column"], item["message"]]
    )
    with op.batch_alter_table("scorecard_imports") as batch:
        batch.alter_column("error_count", server_default=None)
        batch.alter_column("status", existing_type=sa.String(length=20), type_=sa.String(length=12))
        batch.create_check_constraint("import_status", CHECK)
        batch.create_index(batch.f("ix_scorecard_imports_status"), ["status"])


def downgrade():
    with op.batch_alter_table("scorecard_imports") as batch:
        batch.drop_index(batch.f("ix_scorecard_imports_status"))
        batch.drop_constraint("ck_scorecard_imports_import_status", type_="check")
        batch.alter_column("status", existing_type=sa.String(length=12), type_=sa.String(length=20))
    _rename_statuses("scorecard_imports", {v: k for k, v in SCORECARD_STATUSES.items()})
    _rename_statuses("scorecard_imports", {"checking": "running", "rejected": "failed"})
    _rewrite_errors(
        "scorecard_imports",
        lambda item: {"row": item[0], "column": item[1], "message": item[2]},
    )
    with op.batch_alter_table("scorecard_imports") as batch:
        batch.drop_column("error_count")
        batch.alter_column("imported_rows", new_column_name="applied_rows")

    with op.batch_alter_table("activity_imports") as batch:
        batch.drop_constraint("ck_activity_imports_import_status", type_="check")
    _rename_statuses("activity_imports", {"imported": "completed"})
    _rewrite_errors("activity_imports", lambda item: [item[0] or 0, item[1], item[2]])
    with op.batch_alter_table("activity_imports") as batch:
        batch.alter_column("imported_rows", new_column_name="created_count")
