"""Covering indexes for reads that, among many councils, would fetch rows spread over the table:
a council's readings (measure, period, value) and the scorecard's delivery counts (the actions'
council, due date, department, status, closing day, archived time).

Indexes only: upgrading and downgrading keep every row.

Revision ID: c5d2a9e7f410
Revises: c5f1a2d8e4b6
Create Date: 2026-11-30 10:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c5d2a9e7f410"
down_revision: str | None = "c5f1a2d8e4b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY = ["council_id", "due_on", "department_id", "status", "closed_on", "archived_at"]


def upgrade() -> None:
    op.create_index("ix_readings_measure_period_value", "readings", ["measure_id", "period", "value"])
    op.create_index("ix_actions_council_due_on_delivery", "actions", DELIVERY)


def downgrade() -> None:
    op.drop_index("ix_actions_council_due_on_delivery", table_name="actions")
    op.drop_index("ix_readings_measure_period_value", table_name="readings")
