"""exchange: the impact page's stored figures per Ambition, backfilled (issue 13)

- exchange_impact_figures: the unfiltered /exchange/impact read three grouped queries over every
  open listing, Ambition tag and delivered match (15 to 30 ms each at a quarter of the city, no
  index helped). The page now reads these few rows per Ambition; `portal.exchange.impact_summary`
  keeps them in the flush that changes a listing, a delivered match or an organisation.

Revision ID: 0029_exchange_impact_figures
Revises: 0028_insights_periods_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_exchange_impact_figures"
down_revision = "0028_insights_periods_index"
branch_labels = None
depends_on = None

COLUMNS = "ambition_id, figure, resource_type, unit, count, quantity"

# The backfill: `portal.exchange.impact_summary.figure_queries` over every Ambition as it stood
# when this migration was written (the same SQL on both databases; a migration never imports the
# app). `flask exchange refresh-impact` recomputes the same with the code of the day.
SELECTS = (
    """
SELECT listed.ambition_id, listed.side, '' AS anon_1, '' AS anon_2, listed.count, 0 AS anon_3
FROM (SELECT exchange_listing_ambitions.ambition_id AS ambition_id, exchange_listings.side AS side, count(exchange_listings.id) AS count
FROM exchange_listing_ambitions JOIN exchange_listings ON exchange_listings.id = exchange_listing_ambitions.listing_id
WHERE exchange_listings.status = 'open' AND exchange_listings.hidden_at IS NULL AND exchange_listings.organisation_id IN (SELECT organisations.id
FROM organisations
WHERE organisations.status = 'approved') GROUP BY exchange_listing_ambitions.ambition_id, exchange_listings.side) AS listed
""",
    """
SELECT delivered.ambition_id, 'delivered' AS anon_1, delivered.resource_type, delivered.unit, delivered.count, coalesce(delivered.quantity, 0) AS coalesce_1
FROM (SELECT exchange_listing_ambitions.ambition_id AS ambition_id, coalesce(exchange_matches.delivered_resource_type, exchange_listings_1.resource_type) AS resource_type, exchange_matches.delivered_unit AS unit, count(exchange_matches.id) AS count, sum(exchange_matches.delivered_quantity) AS quantity
FROM exchange_listing_ambitions JOIN exchange_matches ON exchange_matches.request_id = exchange_listing_ambitions.listing_id JOIN exchange_listings AS exchange_listings_1 ON exchange_matches.offer_id = exchange_listings_1.id JOIN exchange_listings AS exchange_listings_2 ON exchange_matches.request_id = exchange_listings_2.id
WHERE exchange_matches.status = 'delivered' AND exchange_listings_1.organisation_id IN (SELECT organisations.id
FROM organisations
WHERE organisations.status = 'approved') AND exchange_listings_2.organisation_id IN (SELECT organisations.id
FROM organisations
WHERE organisations.status = 'approved') GROUP BY exchange_listing_ambitions.ambition_id, coalesce(exchange_matches.delivered_resource_type, exchange_listings_1.resource_type), exchange_matches.delivered_unit) AS delivered
""",
    """
SELECT 0 AS anon_1, 'delivered' AS anon_2, overall.resource_type, overall.unit, overall.count, coalesce(overall.quantity, 0) AS coalesce_1
FROM (SELECT coalesce(exchange_matches.delivered_resource_type, exchange_listings_1.resource_type) AS resource_type, exchange_matches.delivered_unit AS unit, count(exchange_matches.id) AS count, sum(exchange_matches.delivered_quantity) AS quantity
FROM exchange_matches JOIN exchange_listings AS exchange_listings_1 ON exchange_matches.offer_id = exchange_listings_1.id JOIN exchange_listings AS exchange_listings_2 ON exchange_matches.request_id = exchange_listings_2.id
WHERE exchange_matches.status = 'delivered' AND exchange_listings_1.organisation_id IN (SELECT organisations.id
FROM organisations
WHERE organisations.status = 'approved') AND exchange_listings_2.organisation_id IN (SELECT organisations.id
FROM organisations
WHERE organisations.status = 'approved') GROUP BY coalesce(exchange_matches.delivered_resource_type, exchange_listings_1.resource_type), exchange_matches.delivered_unit) AS overall
""",
)


def upgrade() -> None:
    op.create_table(
        "exchange_impact_figures",
        sa.Column("ambition_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("figure", sa.String(length=12), nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(16, 2), nullable=False),
        sa.PrimaryKeyConstraint(
            "ambition_id",
            "figure",
            "resource_type",
            "unit",
            name=op.f("pk_exchange_impact_figures"),
        ),
    )
    for select in SELECTS:
        op.execute(f"INSERT INTO exchange_impact_figures ({COLUMNS}) {select}")


def downgrade() -> None:
    op.drop_table("exchange_impact_figures")
