"""edit versions: a version counter on every record people edit together (optimistic locking)

Revision ID: 0017_edit_versions
Revises: 0016_pending_jobs_email_claims
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_edit_versions"
down_revision = "0016_pending_jobs_email_claims"
branch_labels = None
depends_on = None

# Pledges, progress reports, action-plan actions, exchange listings, activities, organisations.
TABLES = (
    "pledges",
    "pledge_updates",
    "assessment_actions",
    "exchange_listings",
    "activities",
    "organisations",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            # Existing rows start at version 1, like new ones.
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version")
