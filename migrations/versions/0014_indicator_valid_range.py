"""indicator valid range: the smallest and largest value each scorecard indicator can take

Revision ID: 0014_indicator_valid_range
Revises: 0013_email_reply_to
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_indicator_valid_range"
down_revision = "0013_email_reply_to"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scorecard_indicators") as batch_op:
        batch_op.add_column(sa.Column("valid_min", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("valid_max", sa.Float(), nullable=True))
    # Indicators loaded before this: a percentage is a share from 0 to 100, the rest start at 0.
    # `flask load-reference` then applies any range indicators.yaml declares.
    op.execute("UPDATE scorecard_indicators SET valid_min = 0")
    op.execute("UPDATE scorecard_indicators SET valid_max = 100 WHERE unit = '%'")


def downgrade() -> None:
    with op.batch_alter_table("scorecard_indicators") as batch_op:
        batch_op.drop_column("valid_max")
        batch_op.drop_column("valid_min")
