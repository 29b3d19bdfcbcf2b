"""email reply-to: each queued email can name the person who answers replies

Revision ID: 0013_email_reply_to
Revises: 0012_exchange_delivery_snapshot
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_email_reply_to"
down_revision = "0012_exchange_delivery_snapshot"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_column("reply_to")
