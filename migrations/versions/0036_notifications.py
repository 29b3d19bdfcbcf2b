"""notification preferences and digests

Revision ID: 0036_notifications
Revises: 0035_voices
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0036_notifications"
down_revision = "0035_voices"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("choice", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "choice IN ('immediate', 'digest', 'none')",
            name=op.f("ck_notification_preferences_choice"),
        ),
        sa.CheckConstraint(
            "kind IN ('group_updates', 'exchange_messages', 'event_reminders', 'pledge_reminders', 'assessment_reminders')",
            name=op.f("ck_notification_preferences_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_preferences_user_id")),
    )
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("digest_email_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('group_updates', 'exchange_messages', 'event_reminders', 'pledge_reminders', 'assessment_reminders')",
            name=op.f("ck_digest_items_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["digest_email_id"],
            ["outbound_emails.id"],
            name=op.f("fk_digest_items_digest_email_id_outbound_emails"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_items_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_items")),
    )
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.create_index("ix_digest_items_pending", ["sent_at", "user_id"], unique=False)
        batch_op.create_index("ix_digest_items_user_id", ["user_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_items_user_id")
        batch_op.drop_index("ix_digest_items_pending")
    op.drop_table("digest_items")
    op.drop_table("notification_preferences")
