"""Calendar UIDs for life: site_identity (a random namespace) and meetings.ical_uid.

UIDs were meeting-<id>@<host of BASE_URL>: a new address duplicated every meeting in
every calendar, and two installs on one host collided. From now on a meeting's UID is
minted from a random namespace made here, once per database (app/agendas/ics.py).

Calendars already hold the old UIDs. When this migration knows the old host (BASE_URL in
the environment or .env, as the app reads it), each existing meeting keeps its old UID in
meetings.ical_uid and nothing changes for anyone. When it does not, it says so: the
existing meetings get new UIDs, and subscribed calendars show each of them once more
until the old copies are deleted. Downgrading drops both (UIDs follow BASE_URL again).

Revision ID: 5a1d7c3e9b20
Revises: 9e9e734b49b0
Create Date: 2026-11-30 00:20:00.000000
"""

import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlmodel
from alembic import op
from pydantic_settings import BaseSettings, SettingsConfigDict

import app.models.base

revision: str = "5a1d7c3e9b20"
down_revision: str | None = "9e9e734b49b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class _OldAddress(BaseSettings):
    """BASE_URL read the way the app's Settings reads it, and nothing else (no secret needed)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    BASE_URL: str | None = None


def _old_host() -> str | None:
    """The host the old UIDs were minted under, when the environment says what it was."""
    base_url = _OldAddress().BASE_URL
    if not base_url:
        return None
    # As the old app/agendas/ics.py uid_domain did.
    return urlsplit(base_url).hostname or "cx-council.invalid"


def upgrade() -> None:
    table = op.create_table(
        "site_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("namespace", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_identity")),
    )
    op.bulk_insert(table, [{"id": 1, "namespace": str(uuid.uuid4()), "created_at": datetime.now(UTC)}])
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ical_uid", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))

    connection = op.get_bind()
    existing = connection.execute(sa.text("SELECT count(*) FROM meetings")).scalar_one()
    if not existing:
        return
    host = _old_host()
    if host is None:
        print(
            f"Calendar UIDs: BASE_URL is not set, so the UIDs calendars hold for the {existing} existing "
            "meeting(s) (meeting-<id>@<host of the old BASE_URL>) could not be kept. Those meetings now "
            "have new UIDs: every subscribed calendar and every accepted invite will show each of them "
            "once more (the old copies stay until people delete them). To keep them, downgrade one step "
            "and upgrade again with BASE_URL set to the address the site had.",
            file=sys.stderr,
        )
        return
    connection.execute(
        sa.text("UPDATE meetings SET ical_uid = :prefix || CAST(id AS VARCHAR(20)) || :suffix"),
        {"prefix": "meeting-", "suffix": f"@{host}"},
    )
    print(
        f"Calendar UIDs: kept the UIDs calendars hold for the {existing} existing meeting(s) "
        f"(meeting-<id>@{host}, from BASE_URL); new meetings get UIDs from this database's own namespace.",
        file=sys.stderr,
    )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("ical_uid")
    op.drop_table("site_identity")
