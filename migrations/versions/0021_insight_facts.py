"""insights: facts behind the current snapshot, figure deltas and pending changes (incremental runs)

Revision ID: 0021_insight_facts
Revises: 0020_ward_population
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_insight_facts"
down_revision = "0020_ward_population"
branch_labels = None
depends_on = None

NUMBER = sa.Numeric(20, 4)


def upgrade() -> None:
    op.create_table(
        "insight_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("eid", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(120), nullable=True),
        *(sa.Column(name, NUMBER, nullable=True) for name in ("v1", "v2", "v3", "v4")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_facts")),
    )
    op.create_index("ix_insight_facts_family_org", "insight_facts", ["family", "org_id"])
    op.create_table(
        "insight_fact_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("eid", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_fact_links")),
    )
    op.create_index("ix_insight_fact_links_family_org", "insight_fact_links", ["family", "org_id"])
    op.create_index(
        "ix_insight_fact_links_family_eid", "insight_fact_links", ["family", "kind", "eid"]
    )
    op.create_table(
        "insight_figure_deltas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(60), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("ambition", sa.String(16), nullable=True),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("ward_code", sa.String(9), nullable=True),
        sa.Column("decile", sa.Integer(), nullable=True),
        sa.Column("org_kind", sa.String(32), nullable=True),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("dimension", sa.String(120), nullable=True),
        sa.Column("value", NUMBER, nullable=False),
        sa.Column("org_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_figure_deltas")),
    )
    op.create_table(
        "insight_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('activity', 'pledge', 'listing', 'assessment', 'organisation', "
            "'scorecard', 'all')",
            name=op.f("ck_insight_changes_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_changes")),
    )
    # Data already there was counted by no incremental run: the next run is a full one.
    op.execute("INSERT INTO insight_changes (kind) VALUES ('all')")


def downgrade() -> None:
    op.drop_table("insight_changes")
    op.drop_table("insight_figure_deltas")
    op.drop_index("ix_insight_fact_links_family_eid", table_name="insight_fact_links")
    op.drop_index("ix_insight_fact_links_family_org", table_name="insight_fact_links")
    op.drop_table("insight_fact_links")
    op.drop_index("ix_insight_facts_family_org", table_name="insight_facts")
    op.drop_table("insight_facts")
