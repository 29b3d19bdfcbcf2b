"""pledges: charter principles, measure catalogue, proxy values, pledges and progress updates

Revision ID: 0004_pledges
Revises: 0003_exchange (pledge_exchange_links refers to exchange_matches)
Create Date: 2026-11-26 23:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_pledges"
down_revision = "0003_exchange"
branch_labels = None
depends_on = None

QUANTITY = sa.Numeric(precision=14, scale=2)


def _link_table(name: str, left: tuple[str, str], right: tuple[str, str]) -> None:
    (left_column, left_table), (right_column, right_table) = left, right
    op.create_table(
        name,
        sa.Column(left_column, sa.Integer(), nullable=False),
        sa.Column(right_column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            [left_column], [f"{left_table}.id"], name=op.f(f"fk_{name}_{left_column}_{left_table}")
        ),
        sa.ForeignKeyConstraint(
            [right_column],
            [f"{right_table}.id"],
            name=op.f(f"fk_{name}_{right_column}_{right_table}"),
        ),
        sa.PrimaryKeyConstraint(left_column, right_column, name=op.f(f"pk_{name}")),
    )


def upgrade():
    op.create_table(
        "charter_principles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_principles")),
        sa.UniqueConstraint("code", name=op.f("uq_charter_principles_code")),
    )
    op.create_table(
        "social_value_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_label", sa.String(length=40), nullable=False),
        sa.Column("whole_number", sa.Boolean(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("counting_rule", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_value_measures")),
        sa.UniqueConstraint("code", name=op.f("uq_social_value_measures_code")),
    )
    _link_table(
        "measure_principles",
        ("measure_id", "social_value_measures"),
        ("principle_id", "charter_principles"),
    )
    _link_table("measure_goals", ("measure_id", "social_value_measures"), ("goal_id", "goals"))
    op.create_table(
        "proxy_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", QUANTITY, nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["social_value_measures.id"],
            name=op.f("fk_proxy_values_measure_id_social_value_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_proxy_values_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_values")),
        sa.UniqueConstraint("measure_id", "year", name=op.f("uq_proxy_values_measure_id")),
    )
    with op.batch_alter_table("proxy_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proxy_values_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("baseline", QUANTITY, nullable=False),
        sa.Column("target", QUANTITY, nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("citywide", sa.Boolean(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_pledges_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["social_value_measures.id"],
            name=op.f("fk_pledges_measure_id_social_value_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pledges_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_is_public"), ["is_public"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_measure_id"), ["measure_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pledges_organisation_id"), ["organisation_id"], unique=False
        )

    _link_table(
        "pledge_principles", ("pledge_id", "pledges"), ("principle_id", "charter_principles")
    )
    _link_table("pledge_wards", ("pledge_id", "pledges"), ("ward_id", "wards"))
    _link_table("pledge_ambitions", ("pledge_id", "pledges"), ("ambition_id", "ambitions"))
    _link_table("pledge_goals", ("pledge_id", "pledges"), ("goal_id", "goals"))

    op.create_table(
        "pledge_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", QUANTITY, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_pledge_updates_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_pledge_updates_pledge_id_pledges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_updates")),
    )
    with op.batch_alter_table("pledge_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_updates_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "pledge_exchange_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_pledge_exchange_links_linked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["exchange_matches.id"],
            name=op.f("fk_pledge_exchange_links_match_id_exchange_matches"),
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_pledge_exchange_links_pledge_id_pledges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_exchange_links")),
        sa.UniqueConstraint("match_id", name=op.f("uq_pledge_exchange_links_match_id")),
    )
    with op.batch_alter_table("pledge_exchange_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_exchange_links_pledge_id"), ["pledge_id"], unique=False
        )


def downgrade():
    op.drop_table("pledge_exchange_links")
    op.drop_table("pledge_updates")
    for name in ("pledge_goals", "pledge_ambitions", "pledge_wards", "pledge_principles"):
        op.drop_table(name)
    op.drop_table("pledges")
    op.drop_table("proxy_values")
    op.drop_table("measure_goals")
    op.drop_table("measure_principles")
    op.drop_table("social_value_measures")
    op.drop_table("charter_principles")
