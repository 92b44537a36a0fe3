"""Members' answers to invitations (meeting_responses) and home page visits (home_visits).

An answer is what a member said before a meeting; `attendance` stays what the secretary
recorded at it. Upgrading moves the apologies members sent ahead (attendance rows with
status 'apologies' for meetings whose minutes were not started) into meeting_responses as
'apologies' answers, the note becoming the reason; apologies in meetings already being
minuted are part of that record and stay in attendance. Downgrading moves 'apologies'
answers back the same way (where the seat has no attendance row and the meeting no
minutes); 'attending' and 'delegate' answers have no place in the old schema and are
dropped, as are the home page visit times.

Revision ID: a75e3c0d1b42
Revises: b7a1c4e2d9f0
Create Date: 2026-11-30 00:06:08.427035
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "a75e3c0d1b42"
down_revision: str | None = "b7a1c4e2d9f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Apologies sent ahead of a meeting nobody has started minuting yet.
UNMINUTED_APOLOGIES = (
    "a.status = 'apologies' AND NOT EXISTS (SELECT 1 FROM minutes mi WHERE mi.meeting_id = a.meeting_id)"
)


def upgrade() -> None:
    op.create_table(
        "home_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("previous_seen_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_home_visits_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_home_visits")),
    )
    op.create_table(
        "meeting_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("delegate_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("delegate_membership_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer IN ('attending', 'apologies', 'delegate')", name=op.f("ck_meeting_responses_answer")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_meeting_responses_answered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["delegate_membership_id"],
            ["memberships.id"],
            name=op.f("fk_meeting_responses_delegate_membership_id_memberships"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_responses_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_meeting_responses_membership_id_memberships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_responses")),
        sa.UniqueConstraint("meeting_id", "membership_id", name="uq_meeting_responses_meeting_membership"),
    )
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_responses_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_responses_membership_id"), ["membership_id"], unique=False)

    op.execute(
        "INSERT INTO meeting_responses (meeting_id, membership_id, answer, reason, delegate_name, answered_by_id, "
        "answered_at) SELECT a.meeting_id, a.membership_id, 'apologies', a.note, '', m.user_id, a.updated_at "
        "FROM attendance a JOIN memberships m ON m.id = a.membership_id "
        f"WHERE {UNMINUTED_APOLOGIES}"
    )
    op.execute(
        "DELETE FROM attendance WHERE status = 'apologies' "
        "AND NOT EXISTS (SELECT 1 FROM minutes mi WHERE mi.meeting_id = attendance.meeting_id)"
    )


def downgrade() -> None:
    op.execute(
        "INSERT INTO attendance (meeting_id, membership_id, status, delegate_name, note, updated_at) "
        "SELECT r.meeting_id, r.membership_id, 'apologies', '', r.reason, r.answered_at FROM meeting_responses r "
        "WHERE r.answer = 'apologies' "
        "AND NOT EXISTS (SELECT 1 FROM minutes m WHERE m.meeting_id = r.meeting_id) "
        "AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = r.meeting_id "
        "AND a.membership_id = r.membership_id)"
    )
    with op.batch_alter_table("meeting_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_responses_membership_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_responses_meeting_id"))

    op.drop_table("meeting_responses")
    op.drop_table("home_visits")
