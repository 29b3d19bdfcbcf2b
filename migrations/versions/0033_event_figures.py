"""event figures: an event's attendance is a change the insights figures recount

Revision ID: 0033_event_figures
Revises: 0032_events
Create Date: 2026-12-03 16:20:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0033_event_figures"
down_revision = "0032_events"
branch_labels = None
depends_on = None

BEFORE = "'activity', 'pledge', 'listing', 'assessment', 'organisation', 'scorecard', 'all'"
AFTER = "'activity', 'pledge', 'listing', 'assessment', 'organisation', 'event', 'scorecard', 'all'"


def _kinds(listed: str) -> None:
    with op.batch_alter_table("insight_changes") as batch:
        batch.drop_constraint(op.f("ck_insight_changes_kind"), type_="check")
        batch.create_check_constraint("kind", f"kind IN ({listed})")


def upgrade() -> None:
    _kinds(AFTER)
    # Events held before this revision were counted by no run: the next one is a full run.
    op.execute("INSERT INTO insight_changes (kind) VALUES ('all')")


def downgrade() -> None:
    op.execute("DELETE FROM insight_changes WHERE kind = 'event'")
    _kinds(BEFORE)
