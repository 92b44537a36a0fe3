"""A database's rows kept in memory and written back: arrange once per process, copy per test.

`take(engine)` keeps every row of every table (but `alembic_version`) and every sequence's
position; `restore(engine, snapshot)` makes the database hold exactly those rows again,
whatever it held before, in milliseconds:

- SQLite: the whole database, through SQLite's backup API into memory, and back the same way
  (it goes through SQLite's locking, so the test's and the app's open connections see it);
- PostgreSQL: every table's rows (COPY … TO STDOUT, binary) and every sequence's position,
  written back in one transaction: every table emptied, the rows copied in (COPY … FROM STDIN),
  the sequences set. The app's pooled connections stay open and see the new rows.

Used by tests/demodb.py (the demo council) and tests/security/test_permissions.py (the
permission matrix's world). The schema must be the one the snapshot was taken from (head).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from psycopg import sql
from sqlalchemy.engine import Engine

# Rows the migrations create themselves, present in an "empty" database (app/copy.py MIGRATION_ROWS).
SEEDED = {"alembic_version", "data_revision", "site_identity"}


@dataclass
class Snapshot:
    sqlite: sqlite3.Connection | None = None
    tables: list[tuple[str, bytes]] = field(default_factory=list)  # those with rows only
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)


def tables(engine: Engine, cursor) -> list[str]:
    if engine.dialect.name == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def is_empty(engine: Engine) -> bool:
    """Whether the database holds no rows but those the migrations seed (a fresh test database)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = [t for t in tables(engine, cursor) if t not in SEEDED]
        quote = engine.dialect.identifier_preparer.quote
        cursor.execute(" UNION ALL ".join(f"SELECT 1 FROM (SELECT 1 FROM {quote(t)} LIMIT 1) AS r" for t in names))
        found = cursor.fetchall()
        cursor.close()
        raw.rollback()
        return not found
    finally:
        raw.close()


def take(engine: Engine) -> Snapshot:
    snapshot = Snapshot()
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            snapshot.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            raw.driver_connection.backup(snapshot.sqlite)
            return snapshot
        conn = raw.driver_connection
        with conn.cursor() as cursor:
            for table in tables(engine, cursor):
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


def restore(engine: Engine, snapshot: Snapshot) -> None:
    raw = engine.raw_connection()
    try:
        if snapshot.sqlite is not None:
            snapshot.sqlite.backup(raw.driver_connection)
            return
        conn = raw.driver_connection
        with conn.cursor() as cursor:
            # As `replica`, foreign-key triggers do not fire, so the order does not matter.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in tables(engine, cursor):
                if table != "alembic_version":
                    cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for table, data in snapshot.tables:
                with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(sql.Identifier(table))) as copy:
                    copy.write(data)
            for name, last_value, is_called in snapshot.sequences:
                cursor.execute("SELECT setval(%s, %s, %s)", (name, last_value, is_called))
        conn.commit()
    finally:
        raw.close()
