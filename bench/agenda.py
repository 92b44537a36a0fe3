"""The agenda built in process: statements per build, the build's time, and the physical floor under it.

The floor is the same SQL statements, with the same parameters, run by the raw `sqlite3`
driver on the same database file, every row fetched as a plain tuple: what reading the
data costs before the ORM, validation and the build's Python. `agenda_vs_sql_floor` is
the median build over the median replay, both timed in turn in the same runs, so a busy
machine slows both alike.
"""

from __future__ import annotations

import sqlite3
import statistics
import time

from sqlalchemy import event
from sqlmodel import Session

from bench.data import Council_


def _replay(connection: sqlite3.Connection, statements: list[tuple[str, tuple]]) -> None:
    """The statements in one read transaction, as the app's session runs them, each result fetched whole."""
    connection.execute("BEGIN")
    try:
        for statement, parameters in statements:
            connection.execute(statement, parameters).fetchall()
    finally:
        connection.execute("COMMIT")


def measure_agenda(url: str, council: Council_, runs: int) -> dict:
    """Statements per load_agenda_data, the median load + build time, and the raw replay of the same SQL."""
    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.db import make_engine
    from app.main import settle_heap
    from app.models import Council, Meeting

    engine = make_engine(url)
    statements: list[tuple[str, tuple]] = []
    # As the server does once it has started (app.main.settle_heap): without it a full
    # collection walks every module and class again, 100 ms in the middle of a build.
    settle_heap()

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        # The compiled SQL and the DBAPI's own parameters: what the driver is given.
        statements.append((statement, tuple(parameters)))

    def timed_build() -> tuple[float, float]:
        """One cold build in a new session: load_agenda_data + build_agenda, the council and the
        meeting read before the clock starts (the replay has only what load_agenda_data sends)."""
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            started, started_cpu = time.perf_counter(), time.process_time()
            build_agenda(load_agenda_data(session=session, council=c, meeting=m))
            return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000

    try:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            event.listen(engine, "before_cursor_execute", capture)
            try:
                data = load_agenda_data(session=session, council=c, meeting=m)
            finally:
                event.remove(engine, "before_cursor_execute", capture)
            agenda = build_agenda(data)
        # A connection of its own, opened (and its schema read) before the clock starts, as
        # the engine's pooled connection has been.
        raw = sqlite3.connect(engine.url.database, isolation_level=None)
        try:
            timed_build()
            _replay(raw, statements)
            builds, floors, builds_cpu, floors_cpu = [], [], [], []
            for _ in range(runs):
                build_ms, build_cpu_ms = timed_build()
                started, started_cpu = time.perf_counter(), time.process_time()
                _replay(raw, statements)
                builds.append(build_ms)
                builds_cpu.append(build_cpu_ms)
                floors.append((time.perf_counter() - started) * 1000)
                floors_cpu.append((time.process_time() - started_cpu) * 1000)
        finally:
            raw.close()
        median, times = statistics.median(builds), [round(t, 3) for t in builds]
    finally:
        engine.dispose()
    floor = statistics.median(floors)
    return {
        "queries": len(statements),
        "median_ms": round(median, 3),
        "runs_ms": times,
        "sql_floor_median_ms": round(floor, 3),
        "sql_floor_runs_ms": [round(t, 3) for t in floors],
        "vs_sql_floor": round(median / floor, 3),
        # The same in CPU time, which a busy machine disturbs less than the wall clock.
        "cpu_median_ms": round(statistics.median(builds_cpu), 3),
        "sql_floor_cpu_median_ms": round(statistics.median(floors_cpu), 3),
        "vs_sql_floor_cpu": round(statistics.median(builds_cpu) / statistics.median(floors_cpu), 3),
        "open_actions_loaded": len(data.actions),
        "sections": len(agenda.sections),
    }
