"""joint initiatives and contributions

Revision ID: 0037_initiatives
Revises: 0036_notifications
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037_initiatives"
down_revision = "0036_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "initiative_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_initiative_updates_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_initiative_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_initiative_updates_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_updates")),
    )
    with op.batch_alter_table("initiative_updates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_updates_activity_created",
            ["activity_id", "created_at", "id"],
            unique=False,
        )

    op.create_table(
        "initiative_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("volunteer_hours", sa.Numeric(precision=12, scale=1), nullable=False),
        sa.Column("money", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("people_reached", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("prior_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('current', 'superseded')",
            name=op.f("ck_initiative_contributions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_initiative_contributions_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_initiative_contributions_created_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_initiative_contributions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["prior_id"],
            ["initiative_contributions.id"],
            name=op.f("fk_initiative_contributions_prior_id_initiative_contributions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_initiative_contributions")),
    )
    with op.batch_alter_table("initiative_contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_initiative_contributions_activity_status",
            ["activity_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_initiative_contributions_organisation_status",
            ["organisation_id", "status"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("initiative_contributions", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_contributions_organisation_status")
        batch_op.drop_index("ix_initiative_contributions_activity_status")
    op.drop_table("initiative_contributions")
    with op.batch_alter_table("initiative_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_initiative_updates_activity_created")
    op.drop_table("initiative_updates")
