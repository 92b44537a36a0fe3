"""Meeting series: a council's cadence as a recurrence rule, and which occurrence each meeting is.

Adds the meeting_series table (one per council) and two nullable columns on meetings:
series_id and occurrence_at, unique together so an occurrence is never created twice.
Existing meetings belong to no series. Downgrading drops the columns and the table; the
meetings themselves stay.

Revision ID: 5e71e5c0a1d3
Revises: 5a1d7c3e9b20
Create Date: 2026-11-30 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import TZDateTime

revision: str = "5e71e5c0a1d3"
down_revision: str | None = "5a1d7c3e9b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=500), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("ahead", sa.Integer(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("skipped", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 720", name=op.f("ck_meeting_series_duration_minutes")),
        sa.CheckConstraint("ahead BETWEEN 1 AND 24", name=op.f("ck_meeting_series_ahead")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_meeting_series_council_id_councils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_series")),
        sa.UniqueConstraint("council_id", name=op.f("uq_meeting_series_council_id")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence_at", TZDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_meetings_series_id"), ["series_id"], unique=False)
        batch_op.create_unique_constraint("uq_meetings_series_occurrence", ["series_id", "occurrence_at"])
        batch_op.create_foreign_key(
            batch_op.f("fk_meetings_series_id_meeting_series"),
            "meeting_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_meetings_series_id_meeting_series"), type_="foreignkey")
        batch_op.drop_constraint("uq_meetings_series_occurrence", type_="unique")
        batch_op.drop_index(batch_op.f("ix_meetings_series_id"))
        batch_op.drop_column("occurrence_at")
        batch_op.drop_column("series_id")
    op.drop_table("meeting_series")
