"""periodic job runs: when each periodic job last started, so schedulers run it only when due

Revision ID: 0007_periodic_job_runs
Revises: 0006_activities
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_periodic_job_runs"
down_revision = "0006_activities"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "periodic_job_runs",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("last_started_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_periodic_job_runs")),
    )


def downgrade():
    op.drop_table("periodic_job_runs")
