"""The agenda built in process: statements per build and the build's time."""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import Session

from bench.common import median_ms
from bench.data import Council_


def measure_agenda(url: str, council: Council_, runs: int) -> dict:
    """Statements per load_agenda_data, and the median load + build time."""
    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.db import make_engine
    from app.main import settle_heap
    from app.models import Council, Meeting

    engine = make_engine(url)
    statements: list[str] = []
    # As the server does once it has started (app.main.settle_heap): without it a full
    # collection walks every module and class again, 100 ms in the middle of a build.
    settle_heap()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def build_once() -> object:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            return build_agenda(load_agenda_data(session=session, council=c, meeting=m))

    try:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            event.listen(engine, "before_cursor_execute", count)
            try:
                data = load_agenda_data(session=session, council=c, meeting=m)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            agenda = build_agenda(data)
        median, times = median_ms(build_once, runs)
    finally:
        engine.dispose()
    return {
        "queries": len(statements),
        "median_ms": round(median, 3),
        "runs_ms": times,
        "open_actions_loaded": len(data.actions),
        "sections": len(agenda.sections),
    }
