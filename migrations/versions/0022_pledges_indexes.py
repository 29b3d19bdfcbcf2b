"""pledges: indexes for the wall's order and filters at city scale

Revision ID: 0022_pledges_indexes
Revises: 0021_insight_facts
"""

from alembic import op

revision = "0022_pledges_indexes"
down_revision = "0021_insight_facts"
branch_labels = None
depends_on = None

# The wall and its CSV export read pledges newest first; its filters find the pledges with an
# ambition, a principle or a ward (the link tables' primary keys start with the pledge).
INDEXES = (
    ("ix_pledges_created_at_id", "pledges", ["created_at", "id"]),
    ("ix_pledge_ambitions_ambition_id", "pledge_ambitions", ["ambition_id", "pledge_id"]),
    ("ix_pledge_principles_principle_id", "pledge_principles", ["principle_id", "pledge_id"]),
    ("ix_pledge_wards_ward_id", "pledge_wards", ["ward_id", "pledge_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
