"""The demo council, built once per test process, engine and day, then copied into each test's database.

`load_demo(session=..., today=...)` here is `app.demo.council.load_demo` for tests: the same
rows, committed. Building the demo takes 1-5 s (hundreds of rows, a year of feedback and
readings); copying it into a fresh database takes milliseconds. The first call in a process
for an engine and a `today` runs the real loader and keeps a copy of what it wrote
(tests/snapshot.py: SQLite's backup API on SQLite, each table's rows by binary COPY and each
sequence's position on PostgreSQL).

A copy is used only where the real loader would start from nothing: the session has no
pending changes and every table is empty (a fresh test database). Otherwise, say a test
that made a council first, this calls the real loader.

Timestamps the loader takes from the clock (created_at of readings and feedback) are those
of the first build in the process, minutes old at most: `today` decides every date the
demo's story depends on, and is part of the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.demo.council import load_demo as build_demo
from app.models import Council
from tests import snapshot as snapshots


@dataclass
class Snapshot:
    council_id: int
    rows: snapshots.Snapshot


_snapshots: dict[tuple[str, date], Snapshot] = {}


def load_demo(*, session: Session, today: date) -> Council:
    """The demo council relative to `today`, committed; a copy of the process's first build when it can."""
    if session.new or session.dirty or session.deleted:
        return build_demo(session=session, today=today)
    session.commit()  # nothing pending: ends any transaction the session held open
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    key = (engine.dialect.name, today)
    if not snapshots.is_empty(engine):
        return build_demo(session=session, today=today)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        council = build_demo(session=session, today=today)
        session.commit()
        _snapshots[key] = Snapshot(council_id=council.id, rows=snapshots.take(engine))
        return council
    snapshots.restore(engine, snapshot.rows)
    council = session.get(Council, snapshot.council_id)
    assert council is not None
    return council
