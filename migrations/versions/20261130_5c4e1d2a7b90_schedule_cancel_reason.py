"""A cancelled meeting says why and when: meetings.cancel_reason and meetings.cancelled_at.

Adds meetings.cancel_reason (text up to 500, default "") and meetings.cancelled_at
(nullable). Meetings already cancelled keep their status, with no reason and their
last change as the cancellation time. Downgrading drops both columns (the status stays).

Revision ID: 5c4e1d2a7b90
Revises: 5e71e5c0a1d3
Create Date: 2026-11-30 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app.models.base import TZDateTime

revision: str = "5c4e1d2a7b90"
down_revision: str | None = "5e71e5c0a1d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("cancelled_at", TZDateTime(timezone=True), nullable=True))
    op.execute("UPDATE meetings SET cancelled_at = updated_at WHERE status = 'cancelled'")
    # The model has no server default: the default lives in the application, like every other column.
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("cancel_reason", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("cancel_reason")
