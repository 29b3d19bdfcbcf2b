"""activities: activities with partners, goals, wards, pledge and exchange links; CSV imports

Revision ID: 0006_activities
Revises: 0005_scorecard (after exchange and pledges: activity links refer to their tables)
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_activities"
down_revision = "0005_scorecard"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("errors_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_activity_imports_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_activity_imports_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_imports")),
    )
    op.create_index(
        op.f("ix_activity_imports_organisation_id"), "activity_imports", ["organisation_id"]
    )
    op.create_index(op.f("ix_activity_imports_status"), "activity_imports", ["status"])

    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("citywide", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("people_reached", sa.Integer(), nullable=False),
        sa.Column("volunteer_hours", sa.Numeric(precision=12, scale=1), nullable=False),
        sa.Column("spend", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_activities_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["activity_imports.id"],
            name=op.f("fk_activities_import_id_activity_imports"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_activities_lead_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    for column in ("lead_organisation_id", "start_date", "end_date", "is_public", "import_id"):
        op.create_index(op.f(f"ix_activities_{column}"), "activities", [column])

    for table, column, target in (
        ("activity_partners", "organisation_id", "organisations"),
        ("activity_goals", "goal_id", "goals"),
        ("activity_wards", "ward_id", "wards"),
    ):
        op.create_table(
            table,
            sa.Column("activity_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["activity_id"],
                ["activities.id"],
                name=op.f(f"fk_{table}_activity_id_activities"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
            ),
            sa.PrimaryKeyConstraint("activity_id", column, name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])

    for table, column, target in (
        ("activity_pledges", "pledge_id", "pledges"),
        ("activity_exchange_matches", "match_id", "exchange_matches"),
    ):
        op.create_table(
            table,
            sa.Column("activity_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["activity_id"],
                ["activities.id"],
                name=op.f(f"fk_{table}_activity_id_activities"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                [column],
                [f"{target}.id"],
                name=op.f(f"fk_{table}_{column}_{target}"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("activity_id", column, name=op.f(f"pk_{table}")),
        )
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade():
    for table, column in (
        ("activity_exchange_matches", "match_id"),
        ("activity_pledges", "pledge_id"),
        ("activity_wards", "ward_id"),
        ("activity_goals", "goal_id"),
        ("activity_partners", "organisation_id"),
    ):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    for column in ("import_id", "is_public", "end_date", "start_date", "lead_organisation_id"):
        op.drop_index(op.f(f"ix_activities_{column}"), table_name="activities")
    op.drop_table("activities")
    op.drop_index(op.f("ix_activity_imports_status"), table_name="activity_imports")
    op.drop_index(op.f("ix_activity_imports_organisation_id"), table_name="activity_imports")
    op.drop_table("activity_imports")
