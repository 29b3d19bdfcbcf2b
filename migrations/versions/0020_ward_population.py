"""scorecard: a population figure per ward (illustrative until an admin replaces it)

Revision ID: 0020_ward_population
Revises: 0019_insights
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_ward_population"
down_revision = "0019_insights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scorecard_ward_deprivation") as batch:
        batch.add_column(sa.Column("population", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "population_is_illustrative",
                sa.Boolean(),
                nullable=False,
                server_default=sa.true(),
            )
        )
    with op.batch_alter_table("scorecard_ward_deprivation") as batch:
        batch.alter_column("population_is_illustrative", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("scorecard_ward_deprivation") as batch:
        batch.drop_column("population_is_illustrative")
        batch.drop_column("population")
