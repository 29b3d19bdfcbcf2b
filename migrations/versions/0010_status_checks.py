"""status checks: every status and kind word column accepts only its declared words

Revision ID: 0010_status_checks
Revises: 0009_import_status
"""

from alembic import op

revision = "0010_status_checks"
down_revision = "0009_import_status"
branch_labels = None
depends_on = None

# The CSV import tables' statuses are left to the import migration.
CHECKS = {
    "assessment_actions": [
        ("ck_assessment_actions_status", "status IN ('not_started', 'in_progress', 'done')"),
    ],
    "assessment_frameworks": [
        ("ck_assessment_frameworks_variant", "variant IN ('anchor', 'business', 'community')"),
    ],
    "assessments": [
        ("ck_assessments_status", "status IN ('draft', 'submitted')"),
    ],
    "exchange_listings": [
        (
            "ck_exchange_listings_resource_type",
            "resource_type IN ('volunteer_time', 'skills', 'mentoring', 'space', 'equipment', 'food', 'digital', 'funding')",
        ),
        ("ck_exchange_listings_side", "side IN ('offer', 'request')"),
        ("ck_exchange_listings_status", "status IN ('open', 'paused', 'matched', 'closed')"),
        ("ck_exchange_listings_urgency", "urgency IS NULL OR urgency IN ('high', 'medium', 'low')"),
    ],
    "exchange_matches": [
        (
            "ck_exchange_matches_status",
            "status IN ('interested', 'accepted', 'declined', 'lapsed', 'withdrawn', 'delivered')",
        ),
    ],
    "invitations": [
        ("ck_invitations_role", "role IN ('member', 'admin')"),
    ],
    "memberships": [
        ("ck_memberships_role", "role IN ('member', 'admin')"),
    ],
    "network_memberships": [
        ("ck_network_memberships_status", "status IN ('requested', 'accepted', 'declined')"),
    ],
    "networks": [
        (
            "ck_networks_assessment_variant",
            "assessment_variant IN ('anchor', 'business', 'community')",
        ),
    ],
    "organisations": [
        (
            "ck_organisations_kind",
            "kind IN ('public_anchor', 'business_anchor', 'community_anchor', 'vcse', 'other')",
        ),
        (
            "ck_organisations_size_band",
            "size_band IS NULL OR size_band IN ('micro', 'small', 'medium', 'large', 'very_large')",
        ),
        ("ck_organisations_status", "status IN ('pending', 'approved', 'suspended')"),
    ],
    "scorecard_indicators": [
        ("ck_scorecard_indicators_direction", "direction IN ('up', 'down')"),
        ("ck_scorecard_indicators_frequency", "frequency IN ('year', 'quarter')"),
    ],
    "social_value_measures": [
        ("ck_social_value_measures_direction", "direction IN ('increase', 'decrease')"),
        (
            "ck_social_value_measures_theme",
            "theme IN ('jobs', 'growth', 'social', 'environment', 'innovation')",
        ),
    ],
}


def upgrade():
    for table, checks in CHECKS.items():
        # Batch mode: SQLite can only add a constraint by rebuilding the table.
        with op.batch_alter_table(table) as batch:
            for name, condition in checks:
                batch.create_check_constraint(op.f(name), condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            for name, _condition in checks:
                batch.drop_constraint(op.f(name), type_="check")
