"""Calendar links: a secret per seat for subscribing to the council's meetings.

Adds memberships.calendar_token (nullable, unique): the secret in the seat's calendar
feed URL, so calendar apps, which cannot sign in, can subscribe. Existing seats have
none until their holder asks for a link. Downgrading drops the column (and the links).

Revision ID: b4f28deaa636
Revises: c1c8a3f790bd
Create Date: 2026-11-22 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "b4f28deaa636"
down_revision: str | None = "c1c8a3f790bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_memberships_calendar_token"), ["calendar_token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_calendar_token"))
        batch_op.drop_column("calendar_token")
