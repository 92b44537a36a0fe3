"""Agenda template per council: the running order, standing items, carried AOB.

- councils.agenda_order: the nine section keys and "standing-<id>" in the council's order
  (null: the standard order, as every council had before);
- standing_items: the council's own agenda items (title, owner seat, minutes);
- minutes_items.number and decisions.item_number also accept a standing item's key
  (above 100) besides the standard items 1–9;
- aob_items.carried_from_id: an unfinished item carried to the next meeting, once.

Downgrading drops the order, the standing items, their notes and decisions (the standard
items' notes stay) and the carried-from links (the carried items stay as plain AOB).

Revision ID: b7a1c4e2d9f0
Revises: b7c41d2e9a10
Create Date: 2026-11-30 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.models.base import TZDateTime

revision: str = "b7a1c4e2d9f0"
down_revision: str | None = "b7c41d2e9a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_order", sa.JSON(), nullable=True))
    op.create_table(
        "standing_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("details", sa.String(length=2000), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", TZDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("minutes BETWEEN 0 AND 600", name=op.f("ck_standing_items_minutes")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_standing_items_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["memberships.id"], name=op.f("fk_standing_items_owner_id_memberships"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standing_items")),
    )
    op.create_index(op.f("ix_standing_items_council_id"), "standing_items", ["council_id"], unique=False)
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_minutes_items_number"), type_="check")
        batch_op.create_check_constraint(op.f("ck_minutes_items_number"), "number BETWEEN 1 AND 9 OR number > 100")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decisions_item_number"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_decisions_item_number"), "item_number BETWEEN 1 AND 9 OR item_number > 100"
        )
    with op.batch_alter_table("aob_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_aob_items_carried_from_id"), ["carried_from_id"], unique=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_aob_items_carried_from_id_aob_items"),
            "aob_items",
            ["carried_from_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("aob_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_aob_items_carried_from_id_aob_items"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_aob_items_carried_from_id"))
        batch_op.drop_column("carried_from_id")
    # Notes and decisions under standing items have no place in the older schema.
    op.execute("DELETE FROM minutes_items WHERE number > 100")
    op.execute("DELETE FROM decisions WHERE item_number > 100")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decisions_item_number"), type_="check")
        batch_op.create_check_constraint(op.f("ck_decisions_item_number"), "item_number BETWEEN 1 AND 9")
    with op.batch_alter_table("minutes_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_minutes_items_number"), type_="check")
        batch_op.create_check_constraint(op.f("ck_minutes_items_number"), "number BETWEEN 1 AND 9")
    op.drop_index(op.f("ix_standing_items_council_id"), table_name="standing_items")
    op.drop_table("standing_items")
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("agenda_order")
