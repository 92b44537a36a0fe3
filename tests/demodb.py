"""The demo council, built once per test process, engine and day, then copied into each test's database.

`load_demo(session=..., today=...)` here is `app.demo.council.load_demo` for tests: the same
rows, committed. Building the demo takes 1-5 s (hundreds of rows, a year of feedback and
readings); copying it into a fresh database takes milliseconds. The first call in a process
for an engine and a `today` runs the real loader and keeps a copy of what it wrote:

- SQLite: the whole database, through SQLite's backup API into memory, and back the same way
  (it goes through SQLite's locking, so the test's and the app's open connections see it);
- PostgreSQL: every table's rows (COPY … TO STDOUT, binary) and every sequence's position,
  written back with COPY … FROM STDIN in one transaction.

A copy is used only where the real loader would start from nothing: the session has no
pending changes and every table is empty (a fresh test database). Otherwise, say a test
that made a council first, this calls the real loader.

Timestamps the loader takes from the clock (created_at of readings and feedback) are those
of the first build in the process, minutes old at most: `today` decides every date the
demo's story depends on, and is part of the key.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from psycopg import sql
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.demo.council import load_demo as build_demo
from app.models import Council

# Rows the migrations create themselves, present in an "empty" database (app/copy.py MIGRATION_ROWS).
SEEDED = {"alembic_version", "data_revision", "site_identity"}


@dataclass
class Snapshot:
    council_id: int
    sqlite: sqlite3.Connection | None = None
    tables: list[tuple[str, bytes]] = field(default_factory=list)  # those with rows only
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)


_snapshots: dict[tuple[str, date], Snapshot] = {}


def load_demo(*, session: Session, today: date) -> Council:
    """The demo council relative to `today`, committed; a copy of the process's first build when it can."""
    if session.new or session.dirty or session.deleted:
        return build_demo(session=session, today=today)
    session.commit()  # nothing pending: ends any transaction the session held open
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    key = (engine.dialect.name, today)
    if not _is_empty(engine):
        return build_demo(session=session, today=today)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        council = build_demo(session=session, today=today)
        session.commit()
        _snapshots[key] = _take(engine, council.id)
        return council
    _restore(engine, snapshot)
    council = session.get(Council, snapshot.council_id)
    assert council is not None
    return council


def _tables(engine: Engine, cursor) -> list[str]:
    if engine.dialect.name == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def _is_empty(engine: Engine) -> bool:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        tables = [t for t in _tables(engine, cursor) if t not in SEEDED]
        quote = engine.dialect.identifier_preparer.quote
        cursor.execute(" UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {quote(t)} LIMIT 1) AS r" for t in tables))
        found = cursor.fetchall()
        cursor.close()
        raw.rollback()
        return not found
    finally:
        raw.close()


def _take(engine: Engine, council_id: int) -> Snapshot:
    snapshot = Snapshot(council_id=council_id)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            snapshot.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            raw.driver_connection.backup(snapshot.sqlite)
            return snapshot
        conn = raw.driver_connection
        with conn.cursor() as cursor:
            for table in _tables(engine, cursor):
                if table == "alembic_version":
                    continue
                copy_out = sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(sql.Identifier(table))
                with cursor.copy(copy_out) as copy:
                    data = b"".join(bytes(chunk) for chunk in copy)
                if cursor.rowcount:
                    snapshot.tables.append((table, data))
            cursor.execute(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences "
                "WHERE schemaname = 'public' ORDER BY 1"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(name)))
                last_value, is_called = cursor.fetchone()
                snapshot.sequences.append((name, last_value, is_called))
        conn.rollback()
        return snapshot
    finally:
        raw.close()


def _restore(engine: Engine, snapshot: Snapshot) -> None:
    raw = engine.raw_connection()
    try:
        if snapshot.sqlite is not None:
            snapshot.sqlite.backup(raw.driver_connection)
            return
        conn = raw.driver_connection
        with conn.cursor() as cursor:
            # As `replica`, foreign-key triggers do not fire, so the order does not matter.
            cursor.execute("SET LOCAL session_replication_role = replica")
            # The other tables are empty (`_is_empty`); the demo's copy has rows of these too.
            for table in sorted(SEEDED - {"alembic_version"}):
                cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for table, data in snapshot.tables:
                with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(sql.Identifier(table))) as copy:
                    copy.write(data)
            for name, last_value, is_called in snapshot.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", (name, last_value, is_called))
        conn.commit()
    finally:
        raw.close()
