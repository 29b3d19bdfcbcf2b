"""pledges: large CSV exports of the wall, prepared by a job

Revision ID: 0027_pledge_exports
Revises: 0026_pledge_standing
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_pledge_exports"
down_revision = "0026_pledge_standing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pledge_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filters", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('preparing', 'ready')", name=op.f("ck_pledge_exports_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_exports")),
    )
    op.create_index(
        "ix_pledge_exports_filters_created_at", "pledge_exports", ["filters", "created_at"]
    )
    op.create_index("ix_pledge_exports_created_at", "pledge_exports", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_pledge_exports_created_at", table_name="pledge_exports")
    op.drop_index("ix_pledge_exports_filters_created_at", table_name="pledge_exports")
    op.drop_table("pledge_exports")
