"""What every migration test repeats: the up/down/up round trip, raw SQL, and the rows most of them start from.

Seeds and checks are raw SQL, never the ORM models: a later revision may add a column the
revision under test lacks, and a model would write it.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import psycopg
from alembic import command
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import make_url, text
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


# Databases this process has upgraded to a revision, kept as templates: (engine's server, revision) ->
# a SQLite file or a PostgreSQL template database. Most tests start from a revision near head, and
# running every migration before it again (about a second of CPU a test on each engine) is what
# they would otherwise repeat.
_BASES: dict[tuple[str, str], str] = {}
_BASE_FOLDER = Path(tempfile.mkdtemp(prefix="cx-migration-bases-"))
atexit.register(shutil.rmtree, _BASE_FOLDER, ignore_errors=True)


def upgrade_empty(url: str, revision: str) -> None:
    """Bring the empty, never-migrated database at `url` to `revision`, as `alembic upgrade revision` would.

    It becomes a copy of this process's database at `revision` (the same schema, seeded rows and
    alembic_version). That database was built by the migrations themselves, one revision at a time
    from the nearest revision already built (else from empty), keeping a copy at every step: any
    later test starting from a revision on the way copies it too.
    """
    parsed = make_url(url)
    server = "sqlite" if parsed.get_backend_name() == "sqlite" else f"{parsed.host}:{parsed.port}"
    if (server, revision) not in _BASES:
        script = ScriptDirectory.from_config(alembic_config())
        start, steps = None, []
        for ancestor in script.iterate_revisions(revision, "base"):
            if (server, ancestor.revision) in _BASES:
                start = ancestor.revision
                break
            steps.append(ancestor)
        if any(isinstance(step.down_revision, tuple | list) for step in steps):
            # A merge: a copy of one branch's database is not the other's. Build this one from empty.
            start, steps = None, [script.get_revision(revision)]
        for step in reversed(steps):
            base = _new_base(url, step.revision, start and _BASES[(server, start)])
            command.upgrade(alembic_config(url=base), step.revision)
            _BASES[(server, step.revision)] = _seal(base)
            start = step.revision
    _copy(_BASES[(server, revision)], url)


def _new_base(url: str, revision: str, source: str | None) -> str:
    """A database to build the base at `revision` in: a copy of `source` (a base), else empty."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _BASE_FOLDER / f"{revision}.db"
        if source is not None:
            shutil.copyfile(source, path)
        return str(parsed.set(database=str(path)))
    name = f"base_{revision}"
    with _admin(url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(source or "template0")
            )
        )
    return str(parsed.set(database=name))


def _seal(base: str) -> str:
    """The base, closed for copying: SQLite's file (its WAL folded in), PostgreSQL's template name."""
    parsed = make_url(base)
    if parsed.get_backend_name() == "sqlite":
        engine = make_engine(base)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        return parsed.database
    with _admin(base) as admin:
        # No connection may be open to a template being copied.
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true").format(
                sql.Identifier(parsed.database)
            )
        )
    return parsed.database


def _copy(base: str, url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        shutil.copyfile(base, parsed.database)
        return
    with _admin(url) as admin:
        # The test's database was made empty from template0 and nothing has connected to it.
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(parsed.database)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(parsed.database), sql.Identifier(base)
            )
        )


def _admin(url: str) -> psycopg.Connection:
    """An autocommit connection to the `postgres` database of `url`'s cluster (the tests' cluster trusts its user)."""
    parsed = make_url(url)
    return psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres", autocommit=True)


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
    upgrade_empty(url, before)
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
