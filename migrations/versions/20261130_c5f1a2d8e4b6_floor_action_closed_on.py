"""actions.closed_on: the day an action was closed on its council's calendar, so on-time
counts compare two dates in SQL instead of converting every closed_at in Python.

Upgrading adds the column and fills it for every closed action from closed_at in its
council's time zone (today's zone: the best the history tells); downgrading drops it,
and closed_at, which it is derived from, stays.

Revision ID: c5f1a2d8e4b6
Revises: 5d2f8a91c6e4
Create Date: 2026-11-30 09:20:00.000000
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "c5f1a2d8e4b6"
down_revision: str | None = "5d2f8a91c6e4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
# As this revision knows them (not the models: a later revision may change those).
councils = sa.table("councils", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))
actions = sa.table(
    "actions",
    sa.column("id", sa.Integer()),
    sa.column("council_id", sa.Integer()),
    sa.column("closed_at", app.models.base.TZDateTime(timezone=True)),
    sa.column("closed_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    bind = op.get_bind()
    update = actions.update().where(actions.c.id == sa.bindparam("action_id")).values(closed_on=sa.bindparam("day"))
    for council_id, timezone in bind.execute(sa.select(councils.c.id, councils.c.timezone)).all():
        zone = ZoneInfo(timezone)
        closed = bind.execute(
            sa.select(actions.c.id, actions.c.closed_at)
            .where(actions.c.council_id == council_id, actions.c.closed_at.is_not(None))
            .order_by(actions.c.id)
        ).all()
        for start in range(0, len(closed), BATCH):
            bind.execute(
                update,
                [
                    {"action_id": action_id, "day": closed_at.astimezone(zone).date()}
                    for action_id, closed_at in closed[start : start + BATCH]
                ],
            )


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
