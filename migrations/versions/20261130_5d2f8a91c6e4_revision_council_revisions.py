"""Council revisions: a random stamp per council beside the site-wide one (data_revision).

Each council gets its row here with a fresh random stamp (so no cache made before the
upgrade is reused after it); councils made later get theirs with their first write
(app/revision.py). Downgrading drops the table: the site-wide row stays, and every write
replaces it again.

Revision ID: 5d2f8a91c6e4
Revises: 8e4b2c6d1f37
Create Date: 2026-11-30 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "5d2f8a91c6e4"
down_revision: str | None = "8e4b2c6d1f37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A random 32-character hex stamp per row, in each engine's own SQL.
RANDOM_STAMP = {"postgresql": "md5(random()::text || id::text)", "sqlite": "lower(hex(randomblob(16)))"}
NOW = {"postgresql": "now()", "sqlite": "datetime('now')"}


def upgrade() -> None:
    op.create_table(
        "council_revisions",
        sa.Column("council_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("changed_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["councils.id"],
            name=op.f("fk_council_revisions_council_id_councils"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_council_revisions")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        "INSERT INTO council_revisions (council_id, stamp, changed_at) "
        f"SELECT id, {RANDOM_STAMP[dialect]}, {NOW[dialect]} FROM councils"
    )


def downgrade() -> None:
    op.drop_table("council_revisions")
