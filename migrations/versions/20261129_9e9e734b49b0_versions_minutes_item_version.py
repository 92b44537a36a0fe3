"""Minutes notes carry a version per agenda item: minutes_items.version.

A save names the version it was typed against, so a stale view can no longer replace
another person's notes (a 412 shows both texts instead). Existing notes start at
version 1, as a freshly saved item does. Downgrading drops the column (the notes stay).

Revision ID: 9e9e734b49b0
Revises: d8ba2349f73f
Create Date: 2026-11-29 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e9e734b49b0"
down_revision: str | None = "d8ba2349f73f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        # The server default backfills existing rows; the models give every new row its own.
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.alter_column("version", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.drop_column("version")
