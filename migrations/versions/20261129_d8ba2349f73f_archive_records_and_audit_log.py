"""Nothing deleted without a trace: archived_at/archived_by_id on councils, meetings,
actions and measures, and the audit_log table.

Existing rows are live (archived_at NULL). archived_by_id points at users (SET NULL
when the account goes; the audit log keeps the email). Downgrading drops the columns and
the log: archived rows would then show again as live, so it refuses while any row is
archived (purge or restore them first) rather than bring back what someone hid.

Revision ID: d8ba2349f73f
Revises: f9cf5dd0cbc4
Create Date: 2026-11-29 21:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "d8ba2349f73f"
down_revision: str | None = "f9cf5dd0cbc4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("councils", "meetings", "actions", "measures")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_subject"), ["subject"], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("archived_at", app.models.base.TZDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("archived_by_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_archived_by_id_users"), "users", ["archived_by_id"], ["id"], ondelete="SET NULL"
            )


def downgrade() -> None:
    connection = op.get_bind()
    for table in TABLES:
        archived = connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE archived_at IS NOT NULL")).scalar()
        if archived:
            raise RuntimeError(
                f"{archived} archived row(s) in {table}: restore or purge them (council purge) before downgrading."
            )
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"fk_{table}_archived_by_id_users"), type_="foreignkey")
            batch_op.drop_column("archived_by_id")
            batch_op.drop_column("archived_at")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
    op.drop_table("audit_log")
