"""pledge history: report corrections and withdrawals, promise revisions, audit old and new values

Revision ID: 0011_pledge_history
Revises: 0010_status_checks
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_pledge_history"
down_revision = "0010_status_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("changes", sa.JSON(), nullable=True))
    with op.batch_alter_table("pledge_updates") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="current")
        )
        batch.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_pledge_updates_replaces_id_pledge_updates",
            "pledge_updates",
            ["replaces_id"],
            ["id"],
        )
        # The metadata's naming convention adds the ck_<table>_ prefix.
        batch.create_check_constraint("status", "status IN ('current', 'superseded', 'withdrawn')")
    op.create_table(
        "pledge_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("old_value", sa.String(length=40), nullable=False),
        sa.Column("new_value", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_pledge_revisions_created_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name="fk_pledge_revisions_pledge_id_pledges"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pledge_revisions"),
    )
    op.create_index("ix_pledge_revisions_pledge_id", "pledge_revisions", ["pledge_id"])


def downgrade() -> None:
    op.drop_index("ix_pledge_revisions_pledge_id", table_name="pledge_revisions")
    op.drop_table("pledge_revisions")
    with op.batch_alter_table("pledge_updates") as batch:
        batch.drop_constraint(op.f("ck_pledge_updates_status"), type_="check")
        batch.drop_constraint("fk_pledge_updates_replaces_id_pledge_updates", type_="foreignkey")
        batch.drop_column("closed_at")
        batch.drop_column("reason")
        batch.drop_column("replaces_id")
        batch.drop_column("status")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("changes")
