"""exchange: indexes for browse, its filters and counts, moderation and impact (issue 13)

Revision ID: 0024_exchange_indexes
Revises: 0023_orgsadmin_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_exchange_indexes"
down_revision = "0023_orgsadmin_indexes"
branch_labels = None
depends_on = None

# As in portal.exchange.models.LISTED_SQL (copied: migrations must not change later).
LISTED_SQL = "status = 'open' AND hidden_at IS NULL"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_index(
        "ix_exchange_listings_listed_newest",
        "exchange_listings",
        ["created_at", "id"],
        # INCLUDE is PostgreSQL's; SQLite gets the same index without the carried columns.
        postgresql_include=["organisation_id", "side", "resource_type"] if postgresql else [],
        postgresql_where=sa.text(LISTED_SQL),
        sqlite_where=sa.text(LISTED_SQL),
    )
    op.create_index(
        "ix_exchange_listings_listed_title",
        "exchange_listings",
        ["title", "id"],
        postgresql_where=sa.text(LISTED_SQL),
        sqlite_where=sa.text(LISTED_SQL),
    )
    op.create_index(
        "ix_exchange_listings_listed_needed_by",
        "exchange_listings",
        ["needed_by"],
        postgresql_where=sa.text(LISTED_SQL),
        sqlite_where=sa.text(LISTED_SQL),
    )
    op.create_index(
        "ix_exchange_listings_hidden_at",
        "exchange_listings",
        ["hidden_at"],
        postgresql_where=sa.text("hidden_at IS NOT NULL"),
        sqlite_where=sa.text("hidden_at IS NOT NULL"),
    )
    op.create_index(
        "ix_exchange_listing_wards_ward_listing",
        "exchange_listing_wards",
        ["ward_id", "listing_id"],
    )
    op.create_index(
        "ix_exchange_listing_ambitions_ambition_listing",
        "exchange_listing_ambitions",
        ["ambition_id", "listing_id"],
    )
    op.create_index(
        "ix_exchange_listing_reports_open",
        "exchange_listing_reports",
        ["created_at"],
        postgresql_where=sa.text("resolved_at IS NULL"),
        sqlite_where=sa.text("resolved_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_exchange_listing_reports_open", table_name="exchange_listing_reports")
    op.drop_index(
        "ix_exchange_listing_ambitions_ambition_listing", table_name="exchange_listing_ambitions"
    )
    op.drop_index("ix_exchange_listing_wards_ward_listing", table_name="exchange_listing_wards")
    op.drop_index("ix_exchange_listings_hidden_at", table_name="exchange_listings")
    op.drop_index("ix_exchange_listings_listed_needed_by", table_name="exchange_listings")
    op.drop_index("ix_exchange_listings_listed_title", table_name="exchange_listings")
    op.drop_index("ix_exchange_listings_listed_newest", table_name="exchange_listings")
