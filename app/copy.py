"""`council db copy`: move an instance to another database (SQLite to PostgreSQL, typically).

The target's schema comes from the migrations; then every table is copied in foreign-key
order, in batches, inside one transaction on the target; PostgreSQL sequences are moved
past the copied ids; and each table's row count and checksum are compared on both sides.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import Integer, Table, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url

import app.models  # noqa: F401  (registers every table)
from app.db import make_engine
from app.migrate import revisions, upgrade
from app.models import metadata

BATCH_SIZE = 1000
# Tables whose rows the migrations create themselves: replaced by the source's, and no
# sign that the target is in use. (The revisions come with the data they stamp.)
MIGRATION_ROWS = frozenset({"data_revision", "council_revisions", "site_identity"})


class CopyRefused(Exception):
    """The copy would overwrite data, or cannot start; nothing was written."""


@dataclass
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


def redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def tables() -> list[Table]:
    """Every app table, parents before children."""
    return list(metadata.sorted_tables)


def _order(table: Table):
    return [table.c[c.name] for c in table.primary_key.columns] or list(table.c)


# -- refusing ------------------------------------------------------------------------


def check_target(target: Engine, target_url: str) -> None:
    """Refuse a target holding any app row, or a schema at another revision than the code's."""
    names = set(inspect(target).get_table_names())
    current, head = revisions(target, target_url)
    if current is not None and current != head:
        raise CopyRefused(
            f"The target {redacted(target_url)} has a schema at revision {current}, not {head}: "
            "it is another instance's database. Copy into an empty database."
        )
    with target.connect() as conn:
        busy = [
            t.name
            for t in tables()
            if t.name in names - MIGRATION_ROWS and conn.execute(select(t).limit(1)).first() is not None
        ]
    if busy:
        raise CopyRefused(
            f"The target {redacted(target_url)} is not empty (rows in {', '.join(sorted(busy))}); "
            "nothing was copied. Copy into an empty database."
        )


def check_source(source: Engine, source_url: str) -> None:
    current, head = revisions(source, source_url)
    if current != head:
        raise CopyRefused(
            f"The source {redacted(source_url)} is at revision {current or 'nothing'}, but this code needs {head}: "
            "run `council db upgrade` on it first."
        )


# -- copying -------------------------------------------------------------------------


def _copy_table(source: Connection, target: Connection, table: Table, batch_size: int) -> int:
    copied = 0
    streamed = source.execution_options(stream_results=True, yield_per=batch_size)
    result = streamed.execute(select(table).order_by(*_order(table)))
    for rows in result.partitions(batch_size):
        target.execute(table.insert(), [dict(row._mapping) for row in rows])
        copied += len(rows)
    return copied


def _reset_sequences(target: Connection) -> None:
    """Move each serial id's sequence past the highest copied id (PostgreSQL only)."""
    if target.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer):
                continue
            sequence = target.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": column.name}
            ).scalar()
            if sequence is None:
                continue
            highest = target.execute(select(func.max(table.c[column.name]))).scalar()
            target.execute(
                text("SELECT setval(:seq, :value, :called)"),
                {"seq": sequence, "value": highest or 1, "called": highest is not None},
            )


# -- verifying -----------------------------------------------------------------------


def _normal(value):
    """One spelling per value, whichever engine it was read from."""
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def table_checksum(conn: Connection, table: Table, batch_size: int = BATCH_SIZE) -> tuple[int, str]:
    """(row count, sha256 over the rows in primary-key order, values normalised)."""
    digest = hashlib.sha256()
    count = 0
    streamed = conn.execution_options(stream_results=True, yield_per=batch_size)
    for row in streamed.execute(select(table).order_by(*_order(table))):
        line = json.dumps([_normal(v) for v in row], ensure_ascii=False, default=str)
        digest.update(line.encode())
        digest.update(b"\n")
        count += 1
    return count, base64.b16encode(digest.digest()).decode().lower()


def verify(source: Engine, target: Engine) -> list[TableCheck]:
    checks = []
    with source.connect() as s, target.connect() as t:
        for table in tables():
            source_rows, source_sum = table_checksum(s, table)
            target_rows, target_sum = table_checksum(t, table)
            checks.append(TableCheck(table.name, source_rows, target_rows, source_sum, target_sum))
    return checks


# -- the whole copy ------------------------------------------------------------------


def copy_database(
    source_url: str,
    target_url: str,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> list[TableCheck]:
    """Copy `source_url` into the empty database at `target_url`; return the per-table checks."""
    if make_url(source_url) == make_url(target_url):
        raise CopyRefused("The source and the target are the same database.")
    source = make_engine(source_url)
    target = make_engine(target_url)
    try:
        check_source(source, source_url)
        check_target(target, target_url)
        upgrade(target_url)
        with source.connect() as s, target.begin() as t:
            if t.dialect.name == "sqlite":
                # Same order as PostgreSQL; keep SQLite's checks on while filling.
                t.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables():
                if table.name in MIGRATION_ROWS:
                    t.execute(table.delete())
                progress(table.name, _copy_table(s, t, table, batch_size))
            _reset_sequences(t)
        return verify(source, target)
    finally:
        source.dispose()
        target.dispose()
