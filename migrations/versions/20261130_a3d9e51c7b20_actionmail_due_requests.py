"""Due-date requests: action_due_requests, an owner's move of an action's due date waiting for the chair.

Where a council sets due_moves_need_approval, an owner's new due date does not apply until
the chair approves it; the request (from, to, reason, who) and the decision (approved or
refused, by whom, when, with a note) are kept here. A new table: upgrading touches no
existing row; downgrading drops it (pending requests are forgotten, decided ones stay in
each action's history, action_updates).

Revision ID: a3d9e51c7b20
Revises: f8d7017b77c5
Create Date: 2026-11-30 03:05:25.081615
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "a3d9e51c7b20"
down_revision: str | None = "f8d7017b77c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_due_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused', 'replaced')", name=op.f("ck_action_due_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_due_requests_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_action_due_requests_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_action_due_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_action_due_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_due_requests")),
    )
    with op.batch_alter_table("action_due_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_due_requests_action_id"), ["action_id"], unique=False)
        batch_op.create_index("ix_action_due_requests_council_status", ["council_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_due_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_action_due_requests_council_status")
        batch_op.drop_index(batch_op.f("ix_action_due_requests_action_id"))

    op.drop_table("action_due_requests")
