"""Initial schema: accounts, councils, departments, memberships, meetings, actions.

Revision ID: f335ceedffdd
Revises:
Create Date: 2026-11-22 10:51:07.535923
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "f335ceedffdd"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "councils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_site_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_email"), ["email"], unique=True)

    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("is_external", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_departments_council_id_councils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("council_id", "name", name="uq_departments_council_name"),
    )
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departments_council_id"), ["council_id"], unique=False)

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scheduled_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('scheduled', 'held', 'cancelled')", name=op.f("ck_meetings_status")),
        sa.CheckConstraint("duration_minutes BETWEEN 5 AND 720", name=op.f("ck_meetings_duration_minutes")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_meetings_council_id_councils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("council_id", "number", name="uq_meetings_council_number"),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_council_scheduled_at", ["council_id", "scheduled_at"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('chair', 'secretary', 'member', 'observer')", name=op.f("ck_memberships_role")),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_memberships_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_memberships_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("council_id", "user_id", name="uq_memberships_council_user"),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("raised_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("closed_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')", name=op.f("ck_actions_status")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_actions_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_actions_department_id_departments")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["memberships.id"], name=op.f("fk_actions_owner_id_memberships")),
        sa.ForeignKeyConstraint(
            ["raised_at_meeting_id"],
            ["meetings.id"],
            name=op.f("fk_actions_raised_at_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index("ix_actions_council_status_due_on", ["council_id", "status", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_actions_raised_at_meeting_id"), ["raised_at_meeting_id"], unique=False)

    op.create_table(
        "action_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_updates_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_action_updates_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_updates")),
    )
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_updates_action_id"), ["action_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_updates_action_id"))

    op.drop_table("action_updates")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_raised_at_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_actions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_actions_department_id"))
        batch_op.drop_index("ix_actions_council_status_due_on")

    op.drop_table("actions")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_department_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_council_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_council_scheduled_at")

    op.drop_table("meetings")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departments_council_id"))

    op.drop_table("departments")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email"))

    op.drop_table("users")
    op.drop_table("councils")
