"""insights: snapshots of the convenor figures and the refresh flag

Revision ID: 0019_insights
Revises: 0018_partner_tag_acceptance
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_insights"
down_revision = "0018_partner_tag_acceptance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('building', 'current', 'superseded', 'failed')",
            name=op.f("ck_insight_snapshots_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_snapshots")),
    )
    with op.batch_alter_table("insight_snapshots") as batch:
        batch.create_index(batch.f("ix_insight_snapshots_status"), ["status"])
    op.create_table(
        "insight_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("ambition", sa.String(length=16), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("ward_code", sa.String(length=9), nullable=True),
        sa.Column("decile", sa.Integer(), nullable=True),
        sa.Column("org_kind", sa.String(length=32), nullable=True),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(length=120), nullable=True),
        sa.Column("value", sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column("org_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["insight_snapshots.id"],
            name=op.f("fk_insight_figures_snapshot_id_insight_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_figures")),
    )
    with op.batch_alter_table("insight_figures") as batch:
        batch.create_index(
            "ix_insight_figures_read", ["snapshot_id", "measure", "period", "ambition"]
        )
    op.create_table(
        "insight_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_state")),
    )
    # Dirty from the start, so the first scheduler tick or edit computes the figures.
    op.execute("INSERT INTO insight_state (id, dirty) VALUES (1, TRUE)")


def downgrade() -> None:
    op.drop_table("insight_state")
    with op.batch_alter_table("insight_figures") as batch:
        batch.drop_index("ix_insight_figures_read")
    op.drop_table("insight_figures")
    with op.batch_alter_table("insight_snapshots") as batch:
        batch.drop_index(batch.f("ix_insight_snapshots_status"))
    op.drop_table("insight_snapshots")
