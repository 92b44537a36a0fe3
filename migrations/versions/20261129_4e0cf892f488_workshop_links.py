"""Five-whys workshops linked to the feedback theme they start from and to their action-plan metrics.

Adds root_causes.theme_id (nullable; SET NULL when the theme is deleted, the theme text
stays) and root_cause_measures (root cause × measure: the action-plan metrics the
workshop picked, which the department scorecard scores). Existing root causes keep
their text and get no link. The scorecard's weight keys (action_plan, comment_trend,
survey_rating) are unchanged, so councils' chosen weights need no data migration.
Downgrading drops the links; the root causes and measures stay.

Revision ID: 4e0cf892f488
Revises: 704c2a734386
Create Date: 2026-11-29 18:07:51.056889
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4e0cf892f488"
down_revision: str | None = "704c2a734386"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "root_cause_measures",
        sa.Column("root_cause_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_root_cause_measures_measure_id_measures"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["root_cause_id"],
            ["root_causes.id"],
            name=op.f("fk_root_cause_measures_root_cause_id_root_causes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("root_cause_id", "measure_id", name=op.f("pk_root_cause_measures")),
    )
    with op.batch_alter_table("root_cause_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_root_cause_measures_measure_id"), ["measure_id"], unique=False)

    with op.batch_alter_table("root_causes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_root_causes_theme_id"), ["theme_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_root_causes_theme_id_themes"), "themes", ["theme_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("root_causes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_root_causes_theme_id_themes"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_root_causes_theme_id"))
        batch_op.drop_column("theme_id")

    with op.batch_alter_table("root_cause_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_root_cause_measures_measure_id"))

    op.drop_table("root_cause_measures")
