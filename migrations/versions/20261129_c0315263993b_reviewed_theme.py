"""Minutes can record that the council reviewed a feedback theme: decisions.theme_id.

Adds decisions.theme_id (nullable; SET NULL when the theme is deleted, the decision's
text stays). Existing decisions get no theme. Downgrading drops the column and so the
links (the decisions stay).

Revision ID: c0315263993b
Revises: 4e0cf892f488
Create Date: 2026-11-29 18:44:03.441640
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0315263993b"
down_revision: str | None = "4e0cf892f488"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_decisions_theme_id"), ["theme_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_theme_id_themes"), "themes", ["theme_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_decisions_theme_id_themes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_decisions_theme_id"))
        batch_op.drop_column("theme_id")
