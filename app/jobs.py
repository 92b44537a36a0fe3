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
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from app.actions.reminders import queue_digests
from app.db import open_session
from app.models.base import utcnow
from app.outbox.deliver import DeliveryRun, deliver_all
from app.reports.reminders import queue_report_reminders

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
    "report_reminders": queue_report_reminders,
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


def deliver_pass(engine: Engine, settings: Settings, *, batch: int = 50) -> tuple[dict[str, int], DeliveryRun]:
    """One pass of a deliverer: the periodic jobs, then every due message."""
    jobs = run_periodic(engine, settings)
    return jobs, deliver_all(engine, settings, batch=batch)


class DeliveryLoop:
    """`deliver_pass` every DELIVER_INTERVAL_SECONDS in a thread of a `council serve` worker (DELIVER_IN_SERVE).

    Every worker may run one: leases keep them from sending a message twice. `stop` wakes
    the thread and waits for the pass under way to finish (a batch is short), so shutdown
    never cuts a message off between the server's acceptance and marking it sent.
    """

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="council-deliver", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                jobs, run = deliver_pass(self.engine, self.settings)
                if run.claimed or any(jobs.values()):
                    log.info("deliver: jobs %s; %s", jobs, run.summary())
            except Exception:
                # The database or the mail server may be down for a while: try again next pass.
                log.exception("delivery pass failed")
            self._stop.wait(self.settings.DELIVER_INTERVAL_SECONDS)
