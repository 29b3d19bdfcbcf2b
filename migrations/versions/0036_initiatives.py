"""joint initiatives and contributions

Revision ID: 0036_initiatives
Revises: 0035_notifications
Create Date: 2026-12-03 15:50:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = "0036_initiatives"
down_revision = "0035_notifications"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
