"""Papers: files attached to agenda items, department reports, AOB items and initiatives
(papers), their bytes in the database store (paper_blobs), and the council's two limits.

New tables, and new columns with defaults only: upgrading keeps every row (councils get
20 MB a file and 100 MB a meeting); downgrading drops the papers and their bytes, which
only this revision knew.

Revision ID: 8e4b2c6d1f37
Revises: 3c9e5b7a1d24
Create Date: 2026-11-30 06:18:05.427608
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "8e4b2c6d1f37"
down_revision: str | None = "3c9e5b7a1d24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "paper_blobs",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_paper_blobs")),
    )
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("attached_to", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("section_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("aob_item_id", sa.Integer(), nullable=True),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("storage_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "uploaded_by_name",
            sqlmodel.sql.sqltypes.AutoString(length=120),
            server_default=sa.text("''"),
            nullable=False,
        ),
        sa.Column("uploaded_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", app.models.base.TZDateTime(timezone=True), nullable=True),
        sa.Column("archived_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "attached_to IN ('item', 'report', 'aob', 'initiative')", name=op.f("ck_papers_attached_to")
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_papers_size")),
        sa.ForeignKeyConstraint(
            ["aob_item_id"], ["aob_items.id"], name=op.f("fk_papers_aob_item_id_aob_items"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["archived_by_id"], ["users.id"], name=op.f("fk_papers_archived_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["councils.id"], name=op.f("fk_papers_council_id_councils"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id"], ["initiatives.id"], name=op.f("fk_papers_initiative_id_initiatives"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_papers_meeting_id_meetings"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["department_reports.id"],
            name=op.f("fk_papers_report_id_department_reports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_papers_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
    )
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_papers_aob_item_id"), ["aob_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_papers_council_id"), ["council_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_papers_initiative_id"), ["initiative_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_papers_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_papers_report_id"), ["report_id"], unique=False)

    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paper_max_file_mb", sa.Integer(), server_default=sa.text("20"), nullable=False))
        batch_op.add_column(
            sa.Column("paper_max_meeting_mb", sa.Integer(), server_default=sa.text("100"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.drop_column("paper_max_meeting_mb")
        batch_op.drop_column("paper_max_file_mb")

    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_papers_report_id"))
        batch_op.drop_index(batch_op.f("ix_papers_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_papers_initiative_id"))
        batch_op.drop_index(batch_op.f("ix_papers_council_id"))
        batch_op.drop_index(batch_op.f("ix_papers_aob_item_id"))

    op.drop_table("papers")
    op.drop_table("paper_blobs")
