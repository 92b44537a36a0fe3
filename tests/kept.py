"""A test file's arranged rows built once per process, engine and day, then copied into each test's database.

`kept(session, key, build)` answers `build()` the first time (and commits); it keeps a copy of the database's
rows then (tests/snapshot.py) and what `build` answered, its rows as (model, id). Every later call with the same
key into a fresh database (no rows but the migrations', nothing pending in `session`) writes the copy back and
answers the same value, its rows loaded from `session` again: the same rows and ids, bearer tokens included
(their sign-in rows are among the rows copied). Anywhere else (a test that arranged something first) it calls
`build()`. A copy older than `KEPT_MAX_AGE_S` or from another day is built again, so what `build` dated "now"
stays recent.

What `build` answers: a dataclass or a dict whose values are table rows (SQLModel, with an `id`; also in lists,
tuples and dicts) or plain data (copied: bearer headers, names, dates). Each test still gets its own database and
app: a row one test changes is back as built in the next (tests/core/test_kept.py).
"""

from __future__ import annotations

import copy
import dataclasses
import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from tests import snapshot as snapshots

T = TypeVar("T")
KEPT_MAX_AGE_S = 120.0


@dataclasses.dataclass(frozen=True)
class _Row:
    model: type[SQLModel]
    id: int


@dataclasses.dataclass
class _Kept:
    fields: dict[str, Any]  # the built value's fields, rows as _Row
    rebuild: Callable[[dict[str, Any]], Any]
    rows: snapshots.Snapshot
    day: date
    taken: float


_KEPT: dict[tuple[str, str], _Kept] = {}


def kept(session: Session, key: str, build: Callable[[], T]) -> T:
    """`build()`, or in a fresh database a copy of what it built first in this process (see the module)."""
    if session.new or session.dirty or session.deleted:
        return build()
    session.commit()  # nothing pending: ends any transaction the session held open
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    if not snapshots.is_empty(engine):
        return build()
    slot = (engine.dialect.name, key)
    found = _KEPT.get(slot)
    if found is None or found.day != date.today() or time.monotonic() - found.taken > KEPT_MAX_AGE_S:
        value = build()
        session.commit()
        fields, rebuild = _fields(value)
        _KEPT[slot] = _Kept(
            fields={name: _as_kept(item) for name, item in fields.items()},
            rebuild=rebuild,
            rows=snapshots.take(engine),
            day=date.today(),
            taken=time.monotonic(),
        )
        return value
    snapshots.restore(engine, found.rows)
    return found.rebuild({name: _loaded(session, item) for name, item in found.fields.items()})


def _fields(value: Any) -> tuple[dict[str, Any], Callable[[dict[str, Any]], Any]]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, lambda fields: kind(**fields)
    if isinstance(value, dict):
        return dict(value), dict
    raise TypeError(f"kept(): build() must answer a dataclass or a dict, not {type(value).__name__}")


def _as_kept(item: Any) -> Any:
    """Rows (also in lists, tuples and dicts) as (model, id); anything else copied."""
    if isinstance(item, SQLModel) and hasattr(item, "__table__"):
        return _Row(type(item), item.id)  # type: ignore[attr-defined]
    if isinstance(item, list | tuple):
        return type(item)(_as_kept(x) for x in item)
    if isinstance(item, dict):
        return {k: _as_kept(v) for k, v in item.items()}
    return copy.deepcopy(item)


def _loaded(session: Session, item: Any) -> Any:
    if isinstance(item, _Row):
        row = session.get(item.model, item.id)
        assert row is not None, item
        return row
    if isinstance(item, list | tuple):
        return type(item)(_loaded(session, x) for x in item)
    if isinstance(item, dict):
        return {k: _loaded(session, v) for k, v in item.items()}
    return copy.deepcopy(item)
