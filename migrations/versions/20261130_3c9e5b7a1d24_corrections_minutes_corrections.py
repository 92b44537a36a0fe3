"""The correction round for minutes (minutes_corrections), when a circulated draft's window
for corrections closes, why the chair approved early, and who took the minutes.

New table and columns with defaults only: upgrading keeps every row (minutes circulated
before this revision have no window: they may be approved as before), and downgrading
drops what only this revision knew (the corrections proposed, the minute-taker).

Revision ID: 3c9e5b7a1d24
Revises: a3d9e51c7b20
Create Date: 2026-11-30 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "3c9e5b7a1d24"
down_revision: str | None = "a3d9e51c7b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "minutes_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'rejected', 'withdrawn')", name=op.f("ck_minutes_corrections_status")
        ),
        sa.CheckConstraint(
            "item_number BETWEEN 1 AND 9 OR item_number > 100", name=op.f("ck_minutes_corrections_item_number")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_minutes_corrections_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_corrections_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_minutes_corrections_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_corrections")),
    )
    with op.batch_alter_table("minutes_corrections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_minutes_corrections_meeting_id"), ["meeting_id"], unique=False)

    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrections_close_at", app.models.base.TZDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "approved_early_reason",
                sqlmodel.sql.sqltypes.AutoString(length=2000),
                server_default=sa.text("''"),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("taken_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "taken_by_name",
                sqlmodel.sql.sqltypes.AutoString(length=120),
                server_default=sa.text("''"),
                nullable=False,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_minutes_taken_by_id_users"), "users", ["taken_by_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("minutes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_minutes_taken_by_id_users"), type_="foreignkey")
        batch_op.drop_column("taken_by_name")
        batch_op.drop_column("taken_by_id")
        batch_op.drop_column("approved_early_reason")
        batch_op.drop_column("corrections_close_at")

    with op.batch_alter_table("minutes_corrections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_minutes_corrections_meeting_id"))
    op.drop_table("minutes_corrections")
