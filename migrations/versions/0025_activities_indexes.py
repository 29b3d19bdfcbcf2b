"""activities: indexes for the list's order and filters, and full-text search (issue 13)

- ix_activities_start_date_id replaces ix_activities_start_date: the lists' order
  (start_date DESC, id DESC) read backwards with no sort.
- ix_activities_citywide (partial): the few citywide activities every ward's list includes.
- ix_activity_partners_organisation_status replaces ix_activity_partners_organisation_id: an
  organisation's accepted or pending tags (its activities page, the list's organisation filter).
- ix_activity_goals_goal_activity and ix_activity_wards_ward_activity replace the goal_id and
  ward_id indexes: a goal's or a ward's activity ids read from the index alone.
- ix_activities_search: a GIN index over the tsvector the list's search matches (PostgreSQL);
  SQLite gets an index of the same name on description (as the exchange's search index does),
  so the two schemas compare alike (Alembic cannot reflect expression indexes on SQLite), and
  searches there with LIKE.

Revision ID: 0025_activities_indexes
Revises: 0024_exchange_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_activities_indexes"
down_revision = "0024_exchange_indexes"
branch_labels = None
depends_on = None

# As in portal.activities.models.search_document (copied: migrations must not change later).
SEARCH_DOCUMENT_SQL = "to_tsvector('english'::regconfig, (title || ' ') || description)"


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_start_date")
        batch.create_index("ix_activities_start_date_id", ["start_date", "id"])
        batch.create_index(
            "ix_activities_citywide",
            ["citywide"],
            postgresql_where=sa.text("citywide"),
            sqlite_where=sa.text("citywide"),
        )
    with op.batch_alter_table("activity_partners") as batch:
        batch.drop_index("ix_activity_partners_organisation_id")
        batch.create_index(
            "ix_activity_partners_organisation_status", ["organisation_id", "status"]
        )
    for table, column in (("activity_goals", "goal_id"), ("activity_wards", "ward_id")):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{column}")
            batch.create_index(
                f"ix_{table}_{column.removesuffix('_id')}_activity", [column, "activity_id"]
            )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_activities_search",
            "activities",
            [sa.text(SEARCH_DOCUMENT_SQL)],
            postgresql_using="gin",
        )
    else:
        op.create_index("ix_activities_search", "activities", ["description"])


def downgrade() -> None:
    op.drop_index("ix_activities_search", table_name="activities")
    for table, column in (("activity_goals", "goal_id"), ("activity_wards", "ward_id")):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_{column.removesuffix('_id')}_activity")
            batch.create_index(f"ix_{table}_{column}", [column])
    with op.batch_alter_table("activity_partners") as batch:
        batch.drop_index("ix_activity_partners_organisation_status")
        batch.create_index("ix_activity_partners_organisation_id", ["organisation_id"])
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_citywide")
        batch.drop_index("ix_activities_start_date_id")
        batch.create_index("ix_activities_start_date", ["start_date"])
