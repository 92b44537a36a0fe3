"""Action progress and agenda item, unconditional writes in history, reminder digests.

Revision ID: 20ba3407c36d
Revises: f335ceedffdd
Create Date: 2026-11-22 11:07:46.641570
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "20ba3407c36d"
down_revision: str | None = "f335ceedffdd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("action_count", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_digests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_digests")),
        sa.UniqueConstraint("user_id", "sent_on", name="uq_reminder_digests_user_sent_on"),
    )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        # sa.false() renders as `false` on PostgreSQL and `0` on SQLite.
        batch_op.add_column(sa.Column("without_if_match", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raised_at_item", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("percent_complete", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.create_check_constraint(op.f("ck_actions_percent_complete"), "percent_complete BETWEEN 0 AND 100")
        batch_op.create_check_constraint(op.f("ck_actions_raised_at_item"), "raised_at_item BETWEEN 1 AND 9")


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_actions_raised_at_item"), type_="check")
        batch_op.drop_constraint(op.f("ck_actions_percent_complete"), type_="check")
        batch_op.drop_column("percent_complete")
        batch_op.drop_column("raised_at_item")

    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_column("without_if_match")

    op.drop_table("reminder_digests")
