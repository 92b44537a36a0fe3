"""A partial index of each council's short "hindered" answers, newest first: the agenda's example comments.

(council_id, responded_on, id) where length(hindered) is 10–160 characters (the answers the
agenda may quote): the pool of the newest such answers and each top theme's walk through it
read the index alone, and the id orders a day's answers, so on PostgreSQL too a walk stops at
its second example instead of sorting the pool.

An index only: upgrading and downgrading keep every row.

Revision ID: d4e8b2a6c913
Revises: c5d2a9e7f410
Create Date: 2026-11-30 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4e8b2a6c913"
down_revision: str | None = "c5d2a9e7f410"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app/models/feedback.py SHORT_HINDERED says it (a migration keeps its own copy).
SHORT_HINDERED = "length(hindered) BETWEEN 10 AND 160"


def upgrade() -> None:
    op.create_index(
        "ix_feedback_responses_short_hindered",
        "feedback_responses",
        ["council_id", "responded_on", "id"],
        sqlite_where=sa.text(SHORT_HINDERED),
        postgresql_where=sa.text(SHORT_HINDERED),
    )


def downgrade() -> None:
    op.drop_index("ix_feedback_responses_short_hindered", table_name="feedback_responses")
