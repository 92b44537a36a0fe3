"""Periodic jobs: what must happen every so often, run before each delivery pass.

`council deliver` (each --once run, each --loop pass) and the loop in `council serve`
call `run_periodic` before they deliver, so what a job queues leaves in the same pass.
Each job runs in its own write transaction and must be safe to run at any moment from
any number of processes at once: it decides "already done" from the database (a unique
key, a record of the day), never from memory.

To add a job, write `fn(session, settings, *, now) -> int` (how many things it queued;
it flushes, never commits) and add one line to JOBS.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from app.actions.reminders import queue_digests
from app.db import open_session
from app.models.base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from app.config import Settings

log = logging.getLogger("council.jobs")

Job = Callable[..., int]


def digests(session: Session, settings: Settings, *, now: datetime) -> int:
    """The overdue-action digest: at most one a day per person (app/actions/reminders.py)."""
    return queue_digests(session, settings, now=now).sent


# -- the jobs, in the order they run; one line each ------------------------------------
JOBS: dict[str, Job] = {
    "digests": digests,
}


def run_periodic(engine: Engine, settings: Settings, *, now: datetime | None = None) -> dict[str, int]:
    """Run every job once, each in its own transaction; {job: things queued}.

    A job that fails is rolled back and logged; the others still run (and its count is -1).
    """
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, job in JOBS.items():
        with open_session(engine, write=True) as session:
            try:
                done[name] = job(session, settings, now=now)
                session.commit()
            except Exception:
                session.rollback()
                log.exception("periodic job %s failed", name)
                done[name] = -1
    return done
