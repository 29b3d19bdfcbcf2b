"""scorecard: indicators, values by period and breakdown, ward deprivation, CSV imports

Revision ID: 0005_scorecard
Revises: 0004_pledges
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_scorecard"
down_revision = "0004_pledges"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scorecard_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("ambition_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("breakdown_keys", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ambition_id"],
            ["ambitions.id"],
            name=op.f("fk_scorecard_indicators_ambition_id_ambitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_indicators")),
        sa.UniqueConstraint("code", name=op.f("uq_scorecard_indicators_code")),
    )
    op.create_index(
        op.f("ix_scorecard_indicators_ambition_id"), "scorecard_indicators", ["ambition_id"]
    )
    op.create_table(
        "scorecard_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.String(length=30), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["scorecard_indicators.id"],
            name=op.f("fk_scorecard_values_indicator_id_scorecard_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_scorecard_values_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_values")),
        sa.UniqueConstraint(
            "indicator_id",
            "year",
            "quarter",
            "breakdown",
            "category",
            name=op.f("uq_scorecard_values_indicator_id"),
        ),
    )
    op.create_index(op.f("ix_scorecard_values_indicator_id"), "scorecard_values", ["indicator_id"])
    op.create_table(
        "scorecard_ward_deprivation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("share_most_deprived", sa.Float(), nullable=False),
        sa.Column("decile", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_scorecard_ward_deprivation_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_ward_deprivation")),
        sa.UniqueConstraint("ward_id", name=op.f("uq_scorecard_ward_deprivation_ward_id")),
    )
    op.create_table(
        "scorecard_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("applied_rows", sa.Integer(), nullable=False),
        sa.Column("errors_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_scorecard_imports_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_imports")),
    )
    op.create_index(
        op.f("ix_scorecard_imports_created_by_id"), "scorecard_imports", ["created_by_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_scorecard_imports_created_by_id"), table_name="scorecard_imports")
    op.drop_table("scorecard_imports")
    op.drop_table("scorecard_ward_deprivation")
    op.drop_index(op.f("ix_scorecard_values_indicator_id"), table_name="scorecard_values")
    op.drop_table("scorecard_values")
    op.drop_index(op.f("ix_scorecard_indicators_ambition_id"), table_name="scorecard_indicators")
    op.drop_table("scorecard_indicators")
