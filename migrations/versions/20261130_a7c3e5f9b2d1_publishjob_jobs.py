"""jobs: durable work handed on by a request (an agenda's pack and mail to every seat), run outside it.

Publishing an agenda used to build the Word pack, the invite and forty mails inside the
request (seconds of CPU, and ~5 s more the first time a council's charts are drawn); now
the request freezes the snapshot and records a job in the same transaction, and a job
process (or any delivery pass) does the rest (app/jobs.py). The table starts empty: what
was published before was mailed then. Downgrading drops it (jobs not yet run are lost:
their snapshots stay published, unmailed).

Revision ID: a7c3e5f9b2d1
Revises: e3b8f1a6c2d4
Create Date: 2026-11-30 15:05:47
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "a7c3e5f9b2d1"
down_revision: str | None = "e3b8f1a6c2d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lease_until", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'superseded')", name=op.f("ck_jobs_status")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_jobs_council_id_councils"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("key", name="uq_jobs_key"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_council_id"), ["council_id"], unique=False)
        batch_op.create_index("ix_jobs_status_lease_until", ["status", "lease_until"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_status_lease_until")
        batch_op.drop_index(batch_op.f("ix_jobs_council_id"))
    op.drop_table("jobs")
