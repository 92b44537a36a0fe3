"""Periodic jobs: work that falls due with the calendar rather than with a request.

`council deliver` runs them before it sends the outbox, so whatever they queue goes out
in the same run. Each job takes (session, settings, now=...), queues what is due and
returns how many it queued; it must be safe to run any number of times (mail is queued
with a dedupe key), as cron and several deliverers may run it. Each runs in its own
transaction, committed when it returns.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.models import utcnow
from app.reports.reminders import queue_report_reminders

Job = Callable[..., int]

JOBS: dict[str, Job] = {
    "report_reminders": queue_report_reminders,
}


def run_periodic(engine: Engine, settings: Settings, *, now: datetime | None = None) -> dict[str, int]:
    """Run every periodic job once; {job name: mails queued}."""
    now = now or utcnow()
    done: dict[str, int] = {}
    for name, job in JOBS.items():
        with Session(engine) as session:
            done[name] = job(session, settings, now=now)
            session.commit()
    return done
