"""Minutes: items, numbered decisions, amendments, audit events; quorum per council; AOB outcomes.

Revision ID: 04d654f1930a
Revises: 7620c46e4b36
Create Date: 2026-11-22 11:20:29.622622
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "04d654f1930a"
down_revision: str | None = "7620c46e4b36"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("item_number BETWEEN 1 AND 9", name=op.f("ck_decisions_item_number")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_decisions_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_decisions_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint("meeting_id", "number", name="uq_decisions_meeting_number"),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "minutes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("agenda_version", sa.Integer(), nullable=False),
        sa.Column("previous_minutes_approved", sa.Boolean(), nullable=True),
        sa.Column("previous_minutes_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("next_meeting_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("circulated_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'circulated', 'approved')", name=op.f("ck_minutes_status")),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_minutes_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_minutes")),
    )
    op.create_table(
        "minutes_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        sa.Column("made_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by_id"], ["users.id"], name=op.f("fk_minutes_amendments_made_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_amendments_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_amendments")),
    )
    with op.batch_alter_table("minutes_amendments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_amendments_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "minutes_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_events_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_minutes_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_events")),
    )
    with op.batch_alter_table("minutes_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_events_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "minutes_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=20000), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number BETWEEN 1 AND 9", name=op.f("ck_minutes_items_number")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_items_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_minutes_items_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_items")),
        sa.UniqueConstraint("meeting_id", "number", name="uq_minutes_items_meeting_number"),
    )
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_items_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("aob_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outcome", sqlmodel.sql.sqltypes.AutoString(length=5000), server_default=sa.text("''"), nullable=False
            )
        )

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quorum_members", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quorum_departments", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("quorum_departments")
        batch_op.drop_column("quorum_members")

    with op.batch_alter_table("aob_items", schema=None) as batch_op:
        batch_op.drop_column("outcome")

    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_items_meeting_id"))

    op.drop_table("minutes_items")
    with op.batch_alter_table("minutes_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_events_meeting_id"))

    op.drop_table("minutes_events")
    with op.batch_alter_table("minutes_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_amendments_meeting_id"))

    op.drop_table("minutes_amendments")
    op.drop_table("minutes")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_meeting_id"))

    op.drop_table("decisions")
