"""working groups

Revision ID: 0033_groups
Revises: 0032_events
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0033_groups"
down_revision = "0032_events"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
