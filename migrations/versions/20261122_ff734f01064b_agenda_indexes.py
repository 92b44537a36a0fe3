"""Agenda indexes: actions by (council, closed_at) and by (council, due_on).

The agenda reads the actions closed since the previous meeting and the scorecard's
year of due dates; without these indexes both walk a council's whole action history,
so an agenda got slower every year. Indexes only: no data changes, no table rebuild.

Revision ID: ff734f01064b
Revises: 68bff7508dbe
Create Date: 2026-11-22 13:20:42.846931
"""

from collections.abc import Sequence

from alembic import op

revision: str = "ff734f01064b"
down_revision: str | None = "68bff7508dbe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_actions_council_closed_at", "actions", ["council_id", "closed_at"], unique=False)
    op.create_index("ix_actions_council_due_on", "actions", ["council_id", "due_on"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_actions_council_due_on", table_name="actions")
    op.drop_index("ix_actions_council_closed_at", table_name="actions")
