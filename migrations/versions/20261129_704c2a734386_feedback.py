"""Customer feedback: survey responses, the council's themes, their mentions and monthly counts.

Adds feedback_settings (a council's rating scale and the vendor's column names),
feedback_responses (imported survey answers, free text masked), themes, theme_mentions
(derived: recomputed whenever the theme list changes) and the stored monthly counts
theme_months and feedback_months. New tables only: no existing row is touched.

In the monthly tables a NULL department_id is the "all departments" row. NULLs are
never equal in a UNIQUE constraint (on SQLite as on PostgreSQL), so those rows get a
partial unique index (WHERE department_id IS NULL) beside the ordinary constraint.

Downgrading drops the six tables and so the feedback in them (every mention and count
is derived from the responses; the responses themselves can be imported again).

Revision ID: 704c2a734386
Revises: b4f28deaa636
Create Date: 2026-11-29 18:05:57.298789
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "704c2a734386"
down_revision: str | None = "b4f28deaa636"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_settings",
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("rating_min", sa.Integer(), nullable=False),
        sa.Column("rating_max", sa.Integer(), nullable=False),
        sa.Column("column_map", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("rating_min < rating_max", name=op.f("ck_feedback_settings_rating_scale")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_feedback_settings_council_id_councils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("council_id", name=op.f("pk_feedback_settings")),
    )
    op.create_table(
        "feedback_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_feedback_months_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_feedback_months_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_months")),
        sa.UniqueConstraint("council_id", "department_id", "month", name="uq_feedback_months_council_department_month"),
    )
    with op.batch_alter_table("feedback_months", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_months_department_id"), ["department_id"], unique=False)
        batch_op.create_index(
            "uq_feedback_months_council_month_all",
            ["council_id", "month"],
            unique=True,
            sqlite_where=sa.text("department_id IS NULL"),
            postgresql_where=sa.text("department_id IS NULL"),
        )

    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("response_ref", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("goal_rating", sa.Integer(), nullable=True),
        sa.Column("helped", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("hindered", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("comment_sentiment", sa.Float(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_feedback_responses_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_feedback_responses_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_feedback_responses_journey_id_journeys"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
        sa.UniqueConstraint("council_id", "response_ref", name="uq_feedback_responses_council_ref"),
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_responses_council_id"), ["council_id"], unique=False)
        batch_op.create_index("ix_feedback_responses_council_responded", ["council_id", "responded_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_responses_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_responses_journey_id"), ["journey_id"], unique=False)

    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("phrases", sa.JSON(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_themes_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_themes_department_id_departments"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name=op.f("fk_themes_journey_id_journeys"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("council_id", "name", name="uq_themes_council_name"),
    )
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_themes_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_themes_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_themes_journey_id"), ["journey_id"], unique=False)

    op.create_table(
        "theme_mentions",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("polarity", sa.Integer(), nullable=False),
        sa.CheckConstraint("field IN ('helped', 'hindered', 'comment')", name=op.f("ck_theme_mentions_field")),
        sa.CheckConstraint("polarity IN (-1, 0, 1)", name=op.f("ck_theme_mentions_polarity")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["feedback_responses.id"],
            name=op.f("fk_theme_mentions_response_id_feedback_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_theme_mentions_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("response_id", "theme_id", "field", name=op.f("pk_theme_mentions")),
    )
    with op.batch_alter_table("theme_mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_mentions_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "theme_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("neutral", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_theme_months_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_theme_months_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_theme_months_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_months")),
        sa.UniqueConstraint("theme_id", "department_id", "month", name="uq_theme_months_theme_department_month"),
    )
    with op.batch_alter_table("theme_months", schema=None) as batch_op:
        batch_op.create_index("ix_theme_months_council_month", ["council_id", "month"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_months_department_id"), ["department_id"], unique=False)
        batch_op.create_index(
            "uq_theme_months_theme_month_all",
            ["theme_id", "month"],
            unique=True,
            sqlite_where=sa.text("department_id IS NULL"),
            postgresql_where=sa.text("department_id IS NULL"),
        )


def downgrade() -> None:
    # Dropping a table drops its indexes on both engines; children first.
    for table in ("theme_months", "theme_mentions", "themes", "feedback_responses", "feedback_months"):
        op.drop_table(table)
    op.drop_table("feedback_settings")
