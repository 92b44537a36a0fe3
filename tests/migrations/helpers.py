"""What every migration test repeats: the up/down/up round trip, raw SQL, and the rows most of them start from.

Seeds and checks are raw SQL, never the ORM models: a later revision may add a column the
revision under test lacks, and a model would write it.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from app.db import make_engine
from tests.databases import alembic_config

NOW = "2026-01-01 10:00:00"
# Council 1 and user 1 as the early revisions have them; a test whose revision has more columns writes its own.
COUNCIL = (
    "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
    f"VALUES (1, 'C', '', 'Europe/London', 1, '{NOW}', '{NOW}')"
)
USER = (
    "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
    f"VALUES (1, 'a@example.com', 'A', 'x', true, false, '{NOW}')"
)
# User 1 in seat 1 of council 1 (as `role`), owning action 1, which has one note in its history.
ACTION = (
    "INSERT INTO actions (id, council_id, title, description, owner_id, due_on, status, version, created_at, "
    f"updated_at) VALUES (1, 1, 'Old action', '', 1, '2026-02-01', 'open', 3, '{NOW}', '{NOW}')"
)
ACTION_NOTE = (
    "INSERT INTO action_updates (id, action_id, user_id, created_at, changes, note) "
    f"VALUES (1, 1, 1, '{NOW}', '{{}}', 'old note')"
)


def seat(role: str) -> str:
    return f"INSERT INTO memberships (id, council_id, user_id, role, created_at) VALUES (1, 1, 1, '{role}', '{NOW}')"


Step = Callable[[Engine], object]


def execute(engine: Engine, *statements: str, **params) -> None:
    """Run raw SQL statements in one transaction, each with `params` bound."""
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def roundtrip(
    url: str,
    *,
    before: str,
    after: str,
    seed: Step,
    upgraded: Step,
    downgraded: Step,
    again: Step | None = None,
    again_to: str | None = None,
) -> None:
    """Migrate the empty database at `url` to `before` and `seed` it; upgrade to `after` and check (`upgraded`);
    downgrade to `before` and check (`downgraded`); upgrade again, to `again_to` (else `after`), and check (`again`).
    Each step is given the engine."""
    config = alembic_config(url=url)
    command.upgrade(config, before)
    engine = make_engine(url)
    try:
        seed(engine)
        command.upgrade(config, after)
        upgraded(engine)
        command.downgrade(config, before)
        downgraded(engine)
        command.upgrade(config, again_to or after)
        if again is not None:
            again(engine)
    finally:
        engine.dispose()
