"""partner tag acceptance: a partner named on an activity must accept before the tag shows

Revision ID: 0018_partner_tag_acceptance
Revises: 0017_edit_versions
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_partner_tag_acceptance"
down_revision = "0017_edit_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_partners") as batch:
        # Tags made before acceptance existed (the demo's included) stay as they were: accepted,
        # so every organisation's activity list and totals are unchanged.
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="accepted")
        )
        batch.add_column(sa.Column("requested_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
    op.execute("UPDATE activity_partners SET requested_at = CURRENT_TIMESTAMP")
    with op.batch_alter_table("activity_partners") as batch:
        batch.alter_column("status", server_default=None)
        batch.alter_column("requested_at", existing_type=sa.DateTime(), nullable=False)
        # The metadata's naming convention adds the ck_<table>_ prefix.
        batch.create_check_constraint("status", "status IN ('pending', 'accepted')")
        batch.create_foreign_key(
            op.f("fk_activity_partners_decided_by_id_users"), "users", ["decided_by_id"], ["id"]
        )
        batch.create_index(op.f("ix_activity_partners_status"), ["status"])


def downgrade() -> None:
    # Pending requests never showed, so they go; accepted tags stay as plain tags.
    op.execute("DELETE FROM activity_partners WHERE status <> 'accepted'")
    with op.batch_alter_table("activity_partners") as batch:
        batch.drop_index(op.f("ix_activity_partners_status"))
        batch.drop_constraint(op.f("fk_activity_partners_decided_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_activity_partners_status"), type_="check")
        batch.drop_column("decided_by_id")
        batch.drop_column("decided_at")
        batch.drop_column("requested_at")
        batch.drop_column("status")
