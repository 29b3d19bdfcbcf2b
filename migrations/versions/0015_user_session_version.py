"""user session version: signing out, a new password or deactivation ends every session

Revision ID: 0015_user_session_version
Revises: 0014_indicator_valid_range
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_user_session_version"
down_revision = "0014_indicator_valid_range"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
