"""assessment: framework versions, assessments, answers, evidence files, actions

Revision ID: 0002_assessment
Revises: 0001_foundation
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_assessment"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_frameworks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("source_file", sa.String(length=120), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_frameworks")),
        sa.UniqueConstraint("variant", "version", name=op.f("uq_assessment_frameworks_variant")),
    )
    op.create_index(op.f("ix_assessment_frameworks_variant"), "assessment_frameworks", ["variant"])
    op.create_table(
        "assessment_dimensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["assessment_frameworks.id"],
            name=op.f("fk_assessment_dimensions_framework_id_assessment_frameworks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_dimensions")),
        sa.UniqueConstraint(
            "framework_id", "code", name=op.f("uq_assessment_dimensions_framework_id")
        ),
    )
    op.create_index(
        op.f("ix_assessment_dimensions_framework_id"), "assessment_dimensions", ["framework_id"]
    )
    op.create_table(
        "assessment_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("level_1", sa.Text(), nullable=False),
        sa.Column("level_2", sa.Text(), nullable=False),
        sa.Column("level_3", sa.Text(), nullable=False),
        sa.Column("level_4", sa.Text(), nullable=False),
        sa.Column("guide_slug", sa.String(length=80), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["assessment_dimensions.id"],
            name=op.f("fk_assessment_criteria_dimension_id_assessment_dimensions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_criteria")),
        sa.UniqueConstraint(
            "dimension_id", "code", name=op.f("uq_assessment_criteria_dimension_id")
        ),
    )
    op.create_index(
        op.f("ix_assessment_criteria_dimension_id"), "assessment_criteria", ["dimension_id"]
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("copied_from_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["copied_from_id"],
            ["assessments.id"],
            name=op.f("fk_assessments_copied_from_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["assessment_frameworks.id"],
            name=op.f("fk_assessments_framework_id_assessment_frameworks"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assessments_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"], ["users.id"], name=op.f("fk_assessments_submitted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_assessments_organisation_id")),
    )
    op.create_index(op.f("ix_assessments_framework_id"), "assessments", ["framework_id"])
    op.create_index(op.f("ix_assessments_organisation_id"), "assessments", ["organisation_id"])
    op.create_index(op.f("ix_assessments_status"), "assessments", ["status"])
    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("target_level", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_answers_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["assessment_criteria.id"],
            name=op.f("fk_assessment_answers_criterion_id_assessment_criteria"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_answers")),
        sa.UniqueConstraint(
            "assessment_id", "criterion_id", name=op.f("uq_assessment_answers_assessment_id")
        ),
    )
    op.create_index(
        op.f("ix_assessment_answers_assessment_id"), "assessment_answers", ["assessment_id"]
    )
    op.create_index(
        op.f("ix_assessment_answers_criterion_id"), "assessment_answers", ["criterion_id"]
    )
    op.create_table(
        "assessment_evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_evidence_files_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["assessment_criteria.id"],
            name=op.f("fk_assessment_evidence_files_criterion_id_assessment_criteria"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_evidence_files_uploaded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_evidence_files")),
    )
    op.create_index(
        op.f("ix_assessment_evidence_files_assessment_id"),
        "assessment_evidence_files",
        ["assessment_id"],
    )
    op.create_index(
        op.f("ix_assessment_evidence_files_criterion_id"),
        "assessment_evidence_files",
        ["criterion_id"],
    )
    op.create_index(
        op.f("ix_assessment_evidence_files_stored_name"),
        "assessment_evidence_files",
        ["stored_name"],
    )
    op.create_table(
        "assessment_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_actions_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["assessment_criteria.id"],
            name=op.f("fk_assessment_actions_criterion_id_assessment_criteria"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_actions")),
        sa.UniqueConstraint(
            "assessment_id", "criterion_id", name=op.f("uq_assessment_actions_assessment_id")
        ),
    )
    op.create_index(
        op.f("ix_assessment_actions_assessment_id"), "assessment_actions", ["assessment_id"]
    )
    op.create_index(
        op.f("ix_assessment_actions_criterion_id"), "assessment_actions", ["criterion_id"]
    )


def downgrade():
    op.drop_table("assessment_actions")
    op.drop_table("assessment_evidence_files")
    op.drop_table("assessment_answers")
    op.drop_table("assessments")
    op.drop_table("assessment_criteria")
    op.drop_table("assessment_dimensions")
    op.drop_table("assessment_frameworks")
