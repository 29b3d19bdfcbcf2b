"""exchange: listings (offers and requests), matches, messages, suggestions, reports

Revision ID: 0003_exchange
Revises: 0002_assessment
Create Date: 2026-11-26 23:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_exchange"
down_revision = "0002_assessment"
branch_labels = None
depends_on = None

# As in portal.exchange.models.SEARCH_DOCUMENT_SQL (copied: migrations must not change later).
SEARCH_DOCUMENT_SQL = "to_tsvector('english'::regconfig, (title || ' ') || description)"


def upgrade():
    op.create_table(
        "exchange_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("resource_type", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("citywide", sa.Boolean(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("urgency", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_reason", sa.String(length=20), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_exchange_listings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"], ["users.id"], name=op.f("fk_exchange_listings_hidden_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_exchange_listings_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_listings")),
    )
    with op.batch_alter_table("exchange_listings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_listings_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_listings_expires_on"), ["expires_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_listings_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_listings_resource_type"), ["resource_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchange_listings_side"), ["side"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchange_listings_status"), ["status"], unique=False)

    op.create_table(
        "exchange_listing_ambitions",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("ambition_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ambition_id"],
            ["ambitions.id"],
            name=op.f("fk_exchange_listing_ambitions_ambition_id_ambitions"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_listing_ambitions_listing_id_exchange_listings"),
        ),
        sa.PrimaryKeyConstraint(
            "listing_id", "ambition_id", name=op.f("pk_exchange_listing_ambitions")
        ),
    )
    op.create_table(
        "exchange_listing_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_listing_reports_listing_id_exchange_listings"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_exchange_listing_reports_reporter_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_exchange_listing_reports_resolved_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_listing_reports")),
    )
    with op.batch_alter_table("exchange_listing_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_listing_reports_listing_id"), ["listing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_listing_reports_resolved_at"), ["resolved_at"], unique=False
        )

    op.create_table(
        "exchange_listing_wards",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_listing_wards_listing_id_exchange_listings"),
        ),
        sa.ForeignKeyConstraint(
            ["ward_id"], ["wards.id"], name=op.f("fk_exchange_listing_wards_ward_id_wards")
        ),
        sa.PrimaryKeyConstraint("listing_id", "ward_id", name=op.f("pk_exchange_listing_wards")),
    )
    op.create_table(
        "exchange_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("initiated_by_organisation_id", sa.Integer(), nullable=False),
        sa.Column("initiated_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("committed_quantity", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("respond_by", sa.DateTime(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=True),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_by_organisation_id", sa.Integer(), nullable=True),
        sa.Column("delivered_quantity", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("delivered_unit", sa.String(length=40), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivered_by_id"],
            ["users.id"],
            name=op.f("fk_exchange_matches_delivered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["initiated_by_id"],
            ["users.id"],
            name=op.f("fk_exchange_matches_initiated_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["initiated_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_exchange_matches_initiated_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_matches_offer_id_exchange_listings"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_matches_request_id_exchange_listings"),
        ),
        sa.ForeignKeyConstraint(
            ["responded_by_id"],
            ["users.id"],
            name=op.f("fk_exchange_matches_responded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_exchange_matches_withdrawn_by_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_matches")),
    )
    with op.batch_alter_table("exchange_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_matches_delivered_at"), ["delivered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_matches_offer_id"), ["offer_id"], unique=False
        )
        batch_op.create_index(
            "ix_exchange_matches_offer_request", ["offer_id", "request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_matches_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_matches_respond_by"), ["respond_by"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exchange_matches_status"), ["status"], unique=False)

    op.create_table(
        "exchange_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons_json", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_suggestions_offer_id_exchange_listings"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["exchange_listings.id"],
            name=op.f("fk_exchange_suggestions_request_id_exchange_listings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_suggestions")),
        sa.UniqueConstraint(
            "request_id", "offer_id", name=op.f("uq_exchange_suggestions_request_id")
        ),
    )
    with op.batch_alter_table("exchange_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_suggestions_offer_id"), ["offer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_suggestions_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "exchange_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_exchange_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["exchange_matches.id"],
            name=op.f("fk_exchange_messages_match_id_exchange_matches"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_exchange_messages_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_messages")),
    )
    with op.batch_alter_table("exchange_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_messages_match_id"), ["match_id"], unique=False
        )

    # Full-text search: PostgreSQL indexes the same expression the search query uses
    # (portal.exchange.models.search_document). SQLite has no to_tsvector; an index of the same
    # name keeps the two schemas comparable (Alembic cannot reflect expression indexes on
    # SQLite and compares by name and columns), and search there uses LIKE over words.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_exchange_listings_search",
            "exchange_listings",
            [sa.text(SEARCH_DOCUMENT_SQL)],
            postgresql_using="gin",
        )
    else:
        op.create_index("ix_exchange_listings_search", "exchange_listings", ["description"])


def downgrade():
    op.drop_index("ix_exchange_listings_search", table_name="exchange_listings")
    with op.batch_alter_table("exchange_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_messages_match_id"))

    op.drop_table("exchange_messages")
    with op.batch_alter_table("exchange_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_suggestions_request_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_suggestions_offer_id"))

    op.drop_table("exchange_suggestions")
    with op.batch_alter_table("exchange_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_matches_status"))
        batch_op.drop_index(batch_op.f("ix_exchange_matches_respond_by"))
        batch_op.drop_index(batch_op.f("ix_exchange_matches_request_id"))
        batch_op.drop_index("ix_exchange_matches_offer_request")
        batch_op.drop_index(batch_op.f("ix_exchange_matches_offer_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_matches_delivered_at"))

    op.drop_table("exchange_matches")
    op.drop_table("exchange_listing_wards")
    with op.batch_alter_table("exchange_listing_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_listing_reports_resolved_at"))
        batch_op.drop_index(batch_op.f("ix_exchange_listing_reports_listing_id"))

    op.drop_table("exchange_listing_reports")
    op.drop_table("exchange_listing_ambitions")
    with op.batch_alter_table("exchange_listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_listings_status"))
        batch_op.drop_index(batch_op.f("ix_exchange_listings_side"))
        batch_op.drop_index(batch_op.f("ix_exchange_listings_resource_type"))
        batch_op.drop_index(batch_op.f("ix_exchange_listings_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_listings_expires_on"))
        batch_op.drop_index(batch_op.f("ix_exchange_listings_created_at"))

    op.drop_table("exchange_listings")
