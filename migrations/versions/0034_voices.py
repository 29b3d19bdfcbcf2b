"""stories and community listening

Revision ID: 0034_voices
Revises: 0033_groups
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0034_voices"
down_revision = "0033_groups"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
