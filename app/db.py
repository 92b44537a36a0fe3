"""Engine, sessions and the one-transaction-per-request dependency."""

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from functools import partial
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

import app.archived  # noqa: F401  (its session event hides archived rows from every query)
import app.revision  # noqa: F401  (its session events stamp every committed write)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# PostgreSQL connections a process keeps, and the most it opens at once: the same ceiling as
# SQLAlchemy's default (5 kept and 10 more while busy), all of them kept. With only 5 kept, a
# busy worker closed a connection as soon as it had more than 5 idle and opened another a moment
# later: under the load run one request in three to six paid a new server process, whose
# first query read the catalog for every table it joined (an action update's read joins ten:
# about 7 ms of the server's CPU instead of 1.5 ms), and no statement lived long enough on its
# connection to be prepared, so every action update was planned from scratch. A kept connection
# is an idle server process; the ceiling, and so the most connections a server asks for, are unchanged.
POOL_SIZE = 15

# A worker of `council serve` opens its pool's connections as it starts (fill_pool, app/main.py), before it takes a
# request: otherwise the first people to arrive after a start waited while their worker opened one connection after
# another (a new server process and its sign-in each; in the load run's first seconds, 15 to 24 of them). The tables'
# descriptions are not read ahead: a fresh server process's first pages cost it about 4 ms more of the server's CPU,
# and reading every table's on each connection at the start costs about 14. The start never waits long for it: each
# connection opened to fill the pool gives up after FILL_CONNECT_TIMEOUT_S, and no more are opened after
# FILL_WITHIN_S; a request then opens what is missing, as before.
FILL_CONNECT_TIMEOUT_S = 5
FILL_WITHIN_S = 10

log = logging.getLogger("council.db")
# Set in the thread that fills a pool: its connections give up after this many seconds (see _fill_timeout).
_filling = threading.local()

# Set while a writing request opens its SQLite transaction (see _sqlite_begin).
_sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


class JsonText:
    """A JSON column's value given as its JSON text alone (UTF-8 bytes), which an engine of make_engine writes as it
    is: an agenda's snapshot is most of a megabyte, which json.dumps of the dumped dict took about 30 ms of a
    publish to write, pydantic makes as text in about 12, and the dict it was dumped to took 14 more to make
    (app/agendas/service.py freeze_agenda). Only for a row that is flushed at once and whose attribute is then
    expired (the row never holds it as its value: it is read back as stored). Nothing else serialises it (json.dumps
    raises a TypeError), so it is never written as anything but its text."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def dump_json(value) -> str:
    """The JSON text of a JSON column's value, as SQLAlchemy and psycopg would make it (json.dumps)."""
    return value.data.decode() if type(value) is JsonText else json.dumps(value)


def dump_json_utf8(value) -> str | bytes:
    """dump_json for psycopg, which takes UTF-8 bytes as they are (a str, it encodes): a JsonText's bytes."""
    return value.data if type(value) is JsonText else json.dumps(value)


def make_engine(url: str, *, echo: bool = False, foreign_keys: bool = True) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a generous busy timeout.

    `foreign_keys=False` is for migrations only: SQLite rebuilds a table to alter it, and
    dropping the old copy would otherwise cascade-delete the rows that point at it.
    """
    if not url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=0, json_serializer=dump_json_utf8
        )
        event.listen(engine, "do_connect", _fill_timeout)
        return engine
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, json_serializer=dump_json)
    event.listen(engine, "connect", partial(_sqlite_connect, foreign_keys=foreign_keys))
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _fill_timeout(_dialect, _record, _cargs, cparams) -> None:
    # Only while fill_pool runs in this thread: a request's connection waits as long as the driver lets it.
    timeout = getattr(_filling, "timeout", None)
    if timeout is not None:
        cparams.setdefault("connect_timeout", timeout)


def fill_pool(engine: Engine, *, within_s: float = FILL_WITHIN_S) -> int:
    """Open a PostgreSQL engine's kept connections now (see FILL_WITHIN_S); how many the pool then holds.

    Never raises: a database that refuses, or answers too slowly, is logged and left to the requests, which open
    connections as they need them. SQLite has nothing to open (a connection is a file handle)."""
    if engine.dialect.name != "postgresql":
        return 0
    deadline = time.monotonic() + within_s
    held = []
    _filling.timeout = FILL_CONNECT_TIMEOUT_S
    try:
        # Held until all are open: a connection handed back at once would be the next one taken.
        while engine.pool.checkedin() + len(held) < engine.pool.size():
            if time.monotonic() > deadline:
                log.warning("opened %d of the pool's %d connections in %.0f s; the rest as requests need them",
                            len(held), engine.pool.size(), within_s)  # fmt: skip
                break
            held.append(engine.connect())
    except (SQLAlchemyError, OSError) as exc:
        log.warning("could not open the pool's connections (%d opened): %s", len(held), exc)
    finally:
        _filling.timeout = None
        for connection in held:
            connection.close()
    return engine.pool.checkedin()


def _sqlite_connect(dbapi_connection, _record, *, foreign_keys: bool) -> None:
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A writer takes the write lock up front. With a deferred BEGIN, two writers that
    # both read first would fail on upgrade with SQLITE_BUSY instead of waiting in turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _sqlite_write_intent.get() else "BEGIN")


def open_session(engine: Engine, *, write: bool) -> Session:
    """A session whose transaction has begun, as a writer or as a reader."""
    session = Session(engine, expire_on_commit=False)
    token = _sqlite_write_intent.set(write)
    try:
        session.connection()
    finally:
        _sqlite_write_intent.reset(token)
    return session


def request_session(request: Request) -> Session:
    """The request's session, its transaction begun: a writer unless the method is safe."""
    session = open_session(request.app.state.engine, write=request.method not in SAFE_METHODS)
    # The app's settings travel with the session, so a service deep in a request can queue
    # mail (links need BASE_URL) without every caller passing them: see settings_of.
    session.info["settings"] = request.app.state.settings
    return session


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit on success, roll back on any error."""
    session = request_session(request)
    with session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def settings_of(session: Session):
    """The settings of the app whose request opened `session`; outside a request (CLI, demo), the process's own.

    The rule for reaching the settings in services: take `settings: Settings` as a keyword
    argument, handed down from the route (`request.app.state.settings`), the CLI or the
    job runner. That is what most services do (notify and the outbox, the minutes' and
    agenda mail, reminders, invitations), and it keeps a service's inputs in its signature.
    `settings_of` is the exception, for mail queued deep inside services that many routes
    and other services call (the action log's mail, a measure crossing its threshold),
    where passing the argument down would change every caller; new code with the settings
    at hand passes them.
    """
    settings = session.info.get("settings")
    if settings is None:
        from app.config import get_settings

        settings = get_settings()
    return settings


# scope="function": commit before the response is sent, so an acknowledged write is a
# committed write (the default scope would commit after the client heard "201").
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
