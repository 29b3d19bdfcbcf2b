"""insights: the read index in the order pages read it (issue 13)

- ix_insight_figures_read: (snapshot_id, measure, ambition, period, breakdowns) instead of
  (snapshot_id, measure, period, ambition). A trend reads one measure's periods for an Ambition
  (`period != 'all'`): the old order could only narrow to the measure, so each of a dashboard's
  trend reads went through every figure of that measure (30 ms each on the demo data, six of
  them a page); now it is one index range (1–2 ms).

Revision ID: 0031_insight_figures_read_index
Revises: 0030_state_of_city
"""

from alembic import op

revision = "0031_insight_figures_read_index"
down_revision = "0030_state_of_city"
branch_labels = None
depends_on = None

BREAKDOWNS = ["ward_code", "decile", "goal_id", "org_kind", "network_id", "dimension"]


def upgrade() -> None:
    op.drop_index("ix_insight_figures_read", table_name="insight_figures")
    op.create_index(
        "ix_insight_figures_read",
        "insight_figures",
        ["snapshot_id", "measure", "ambition", "period", *BREAKDOWNS],
    )


def downgrade() -> None:
    op.drop_index("ix_insight_figures_read", table_name="insight_figures")
    op.create_index(
        "ix_insight_figures_read",
        "insight_figures",
        ["snapshot_id", "measure", "period", "ambition"],
    )
