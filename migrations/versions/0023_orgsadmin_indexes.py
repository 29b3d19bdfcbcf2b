"""orgs and admin: indexes for the admin lists, the directory and duplicate spotting (issue 13)

The audit log, the organisation and user lists, the network-request queue and the directory page
through their indexes at city scale; `organisations.name_key` (the normalised name) lets the
approval page find likely duplicates by lookup instead of reading every organisation.

Revision ID: 0023_orgsadmin_indexes
Revises: 0022_pledges_indexes
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0023_orgsadmin_indexes"
down_revision = "0022_pledges_indexes"
branch_labels = None
depends_on = None

# A frozen copy of portal.orgs.names.normalised_name, so this migration never changes meaning.
_NAME_NOISE = {"the", "ltd", "limited", "plc", "cic", "llp", "cio", "and", "co", "uk"}


def _normalised_name(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and "))
    return " ".join(w for w in words if w not in _NAME_NOISE)


INDEXES = [
    ("ix_audit_log_at_id", "audit_log", ["at", "id"]),
    ("ix_audit_log_action_at_id", "audit_log", ["action", "at", "id"]),
    ("ix_organisations_status_created_at", "organisations", ["status", "created_at", "id"]),
    ("ix_organisations_status_name", "organisations", ["status", "name"]),
    ("ix_organisations_charity_number", "organisations", ["charity_number"]),
    ("ix_organisations_company_number", "organisations", ["company_number"]),
    ("ix_organisations_name_key", "organisations", ["name_key"]),
    ("ix_organisation_wards_ward_id", "organisation_wards", ["ward_id"]),
    (
        "ix_network_memberships_status_requested_at",
        "network_memberships",
        ["status", "requested_at", "id"],
    ),
    ("ix_users_name", "users", ["name"]),
]


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(
            sa.Column("name_key", sa.String(length=160), nullable=False, server_default="")
        )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name FROM organisations")).all()
    if rows:
        bind.execute(
            sa.text("UPDATE organisations SET name_key = :key WHERE id = :id"),
            [{"id": row.id, "key": _normalised_name(row.name)} for row in rows],
        )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # The people search (a substring match) on PostgreSQL: trigram indexes of the lower-cased
    # name and email (portal.accounts.models). SQLite cannot build them; indexes of the same
    # names keep the two schemas comparable (Alembic compares them by name there).
    for column in ("name", "email"):
        if bind.dialect.name == "postgresql":
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.create_index(
                f"ix_users_{column}_trigram",
                "users",
                [sa.text(f"lower({column}) gin_trgm_ops")],
                postgresql_using="gin",
            )
        else:
            op.create_index(f"ix_users_{column}_trigram", "users", [column])


def downgrade() -> None:
    for column in ("name", "email"):
        op.drop_index(f"ix_users_{column}_trigram", table_name="users")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("name_key")
