"""Sign-ins the server can end: the user_sessions table.

One row per browser sign-in or bearer token, found by the SHA-256 of the random id the
cookie or token carries. Nothing existing is changed; cookies and tokens issued before
this revision carry no id, so everyone signs in once more after upgrading. Downgrading
drops the table (and so the list of sign-ins; accounts stay).

Revision ID: af1ffcbe5ba0
Revises: 2f839f1a814e
Create Date: 2026-11-29 21:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "af1ffcbe5ba0"
down_revision: str | None = "2f839f1a814e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("user_agent", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_sessions_token_hash"))
    op.drop_table("user_sessions")
