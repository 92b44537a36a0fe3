"""Data revision: one row whose random stamp every committed write replaces.

Caches of derived documents (the agenda JSON) are keyed by it, so they are valid across
workers and commands. The row is created here with a fresh stamp; nothing else changes.

Revision ID: c1c8a3f790bd
Revises: ff734f01064b
Create Date: 2026-11-22 13:28:10.000000
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "c1c8a3f790bd"
down_revision: str | None = "ff734f01064b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stamp", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("changed_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_revision")),
    )
    op.bulk_insert(table, [{"id": 1, "stamp": secrets.token_hex(16), "changed_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("data_revision")
