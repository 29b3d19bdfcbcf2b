"""pending jobs and email send claims: jobs kept while Redis is down; one send per email

Revision ID: 0016_pending_jobs_email_claims
Revises: 0015_user_session_version
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_pending_jobs_email_claims"
down_revision = "0015_user_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_path", sa.String(length=200), nullable=False),
        sa.Column("args_json", sa.Text(), nullable=False),
        sa.Column("kwargs_json", sa.Text(), nullable=False),
        sa.Column("unique_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_jobs")),
        sa.UniqueConstraint("unique_key", name=op.f("uq_pending_jobs_unique_key")),
    )
    with op.batch_alter_table("pending_jobs") as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_jobs_created_at"), ["created_at"])
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("possibly_sent_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbound_emails_possibly_sent_at"), ["possibly_sent_at"]
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_emails") as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_emails_possibly_sent_at"))
        batch_op.drop_column("possibly_sent_at")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("claimed_at")
    with op.batch_alter_table("pending_jobs") as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_jobs_created_at"))
    op.drop_table("pending_jobs")
