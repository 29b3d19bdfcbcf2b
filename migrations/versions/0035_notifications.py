"""notification preferences and digests

Revision ID: 0035_notifications
Revises: 0034_voices
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0035_notifications"
down_revision = "0034_voices"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
