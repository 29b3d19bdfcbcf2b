"""exchange delivery snapshot and contact opt-in: a delivered match keeps the offer's type and
title as they were at delivery; each side chooses to share its contact details

Revision ID: 0012_exchange_delivery_snapshot
Revises: 0011_pledge_history
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_exchange_delivery_snapshot"
down_revision = "0011_pledge_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exchange_matches") as batch:
        batch.add_column(sa.Column("delivered_resource_type", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("delivered_title", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("offer_contact_shared_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("request_contact_shared_at", sa.DateTime(), nullable=True))
    # Matches delivered before this release take the offer as it stands now: the best record
    # there is of what was delivered.
    op.execute(
        """
        UPDATE exchange_matches SET
            delivered_resource_type = (
                SELECT resource_type FROM exchange_listings
                WHERE exchange_listings.id = exchange_matches.offer_id
            ),
            delivered_title = (
                SELECT title FROM exchange_listings
                WHERE exchange_listings.id = exchange_matches.offer_id
            )
        WHERE status = 'delivered'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("exchange_matches") as batch:
        batch.drop_column("request_contact_shared_at")
        batch.drop_column("offer_contact_shared_at")
        batch.drop_column("delivered_title")
        batch.drop_column("delivered_resource_type")
