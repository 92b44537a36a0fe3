"""Seats by invitation, and who may start councils: the invitations table and users.can_create_councils.

Adds `invitations` (one row per invitation: council, email, role, department, who
invited, the SHA-256 of the link's secret, created/expires/mailed/accepted/declined/
revoked times) and `users.can_create_councils` (false by default).

Backfill: every existing user who chairs a council gets can_create_councils, so nobody
loses what they could do before. Downgrading drops the column and the table (pending
invitations go; the seats people accepted stay).

Revision ID: 2f839f1a814e
Revises: c0315263993b
Create Date: 2026-11-29 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "2f839f1a814e"
down_revision: str | None = "c0315263993b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("mailed_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("declined_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_invitations_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_invitations_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_invitations_accepted_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_invited_by_id"), ["invited_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_token_hash"), ["token_hash"], unique=True)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("can_create_councils", sa.Boolean(), server_default=sa.false(), nullable=False))
    # Whoever chairs a council today could start one before this change; they keep that.
    op.execute(
        sa.text(
            "UPDATE users SET can_create_councils = :yes WHERE id IN "
            "(SELECT user_id FROM memberships WHERE role = 'chair')"
        ).bindparams(yes=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("can_create_councils")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_token_hash"))
        batch_op.drop_index(batch_op.f("ix_invitations_invited_by_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_email"))
        batch_op.drop_index(batch_op.f("ix_invitations_department_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_council_id"))
    op.drop_table("invitations")
