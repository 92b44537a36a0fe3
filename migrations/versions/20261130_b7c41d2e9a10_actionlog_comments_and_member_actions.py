"""Actions between meetings: councils.members_raise_actions and action_updates.is_comment.

A council may let members raise actions for their own department (off for every existing
council: the server default backfills false). A comment on an action is a row of its
history marked is_comment (existing history rows are not comments). Downgrading drops
both columns: the setting is forgotten and comments stay in the history as notes.

Revision ID: b7c41d2e9a10
Revises: 5c4e1d2a7b90
Create Date: 2026-11-30 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7c41d2e9a10"
down_revision: str | None = "5c4e1d2a7b90"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("members_raise_actions", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_comment", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_column("is_comment")
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("members_raise_actions")
