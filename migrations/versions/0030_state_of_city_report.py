"""report: State of the City report versions, convenors' narratives and highlights

Revision ID: 0030_state_of_city
Revises: 0029_exchange_impact_figures
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_state_of_city"
down_revision = "0029_exchange_impact_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "soc_highlights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ambition_code", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_soc_highlights_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soc_highlights")),
    )
    with op.batch_alter_table("soc_highlights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_soc_highlights_year"), ["year"], unique=False)

    op.create_table(
        "soc_narratives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("ambition_code", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'in_review', 'approved', 'published')",
            name=op.f("ck_soc_narratives_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_soc_narratives_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_soc_narratives_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soc_narratives")),
        sa.UniqueConstraint("year", "ambition_code", name=op.f("uq_soc_narratives_year")),
    )
    op.create_table(
        "soc_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("snapshot_computed_at", sa.DateTime(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'generating', 'ready', 'published', 'failed', 'superseded')",
            name=op.f("ck_soc_reports_status"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_soc_reports_published_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_soc_reports_requested_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soc_reports")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_soc_reports_year")),
    )
    with op.batch_alter_table("soc_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_soc_reports_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("soc_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_soc_reports_year"))

    op.drop_table("soc_reports")
    op.drop_table("soc_narratives")
    with op.batch_alter_table("soc_highlights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_soc_highlights_year"))

    op.drop_table("soc_highlights")
