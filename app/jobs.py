"""Periodic jobs, and the durable jobs requests hand on (an agenda's pack and mail to every seat).

Durable jobs (app/models/jobs.py) are rows a request writes in its own transaction.
`run_queued_jobs` claims them one at a time with a lease (an UPDATE that only one runner's
WHERE still matches, on SQLite and PostgreSQL alike), runs each in its own transaction,
marked done in that transaction; on error it is rolled back, the error recorded, and the
job tried again later (OUTBOX_FIRST_RETRY_SECONDS, doubling) until JOBS_MAX_ATTEMPTS, then
failed (the agenda page shows it and offers to send again). Who runs them (JOBS_RUN_IN):
- `process`: each `council serve` worker starts ONE job process (`JobProcess`: spawned, its
  own engine), asks it to run the queued jobs after a request that recorded one has
  committed, and every JOBS_POLL_SECONDS (retries, and jobs another worker or a crashed
  one left). The worker's requests never wait for a job's CPU (or its GIL);
- `inline`: after the response, in the same process (a background task): tests, `make run`;
- `off`: only the delivery passes run them.
Every delivery pass (`council deliver`, the DeliveryLoop) also runs jobs left queued for a
while (a worker that crashed before its job process took one): they survive any crash.

Periodic jobs: what must happen every so often, run before each delivery pass.

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
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from app import charts, logs
from app.actions.reminders import queue_digests
from app.agendas import publish, warm
from app.agendas.cache import AgendaCache
from app.db import make_engine, open_session
from app.models import Job, JobStatus
from app.models.base import utcnow
from app.outbox.deliver import DeliveryRun, deliver_all, retry_wait
from app.reports.reminders import queue_report_reminders

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from app.config import Settings

log = logging.getLogger("council.jobs")

Periodic = Callable[..., int]


def digests(session: Session, settings: Settings, *, now: datetime) -> int:
    """The overdue-action digest: at most one a day per person (app/actions/reminders.py)."""
    return queue_digests(session, settings, now=now).sent


# -- the jobs, in the order they run; one line each ------------------------------------
JOBS: dict[str, Periodic] = {
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


def deliver_pass(
    engine: Engine, settings: Settings, *, batch: int = 50, waited: timedelta = timedelta(0)
) -> tuple[dict[str, int], DeliveryRun]:
    """One pass of a deliverer: the periodic jobs, the durable jobs queued at least `waited` ago, every due message."""
    jobs = run_periodic(engine, settings)
    jobs["queued_jobs"] = run_queued_jobs(engine, settings, waited=waited)
    return jobs, deliver_all(engine, settings, batch=batch)


# -- durable jobs ---------------------------------------------------------------------------

# What each kind of job does: fn(session, settings, payload, cache) -> (status, things done); it flushes, never
# commits. And what it may build first in a read transaction (outside SQLite's write lock), or None.
Runner = Callable[..., tuple[JobStatus, int]]
KINDS: dict[str, tuple[Runner, Callable[..., None] | None]] = {
    publish.JOB_KIND: (publish.send_agenda_mail, publish.prepare_agenda_mail),
}
# A job still waiting after this long is run by any delivery pass in `council serve` too.
WAITED_IN_SERVE = timedelta(minutes=2)


def _due(now: datetime, waited: timedelta = timedelta(0)) -> tuple:
    """The WHERE of a job a runner may take now: queued, or running with its lease passed; queued `waited` ago."""
    return (
        col(Job.status).in_((JobStatus.queued, JobStatus.running)),
        or_(col(Job.lease_until).is_(None), col(Job.lease_until) < now),
        col(Job.created_at) <= now - waited,
    )


def claim_job(engine: Engine, settings: Settings, *, now: datetime, waited: timedelta = timedelta(0)) -> Job | None:
    """Take one due job (queued, or running with its lease passed) for JOBS_LEASE_SECONDS; None when none is due.

    Only one runner's UPDATE matches a row: the others see it claimed (rowcount 0) and try the next."""
    due = _due(now, waited)
    lease = timedelta(seconds=settings.JOBS_LEASE_SECONDS)
    with open_session(engine, write=True) as session:
        for job_id in session.exec(select(Job.id).where(*due).order_by(col(Job.id)).limit(10)).all():
            taken = session.exec(
                update(Job)
                .where(col(Job.id) == job_id, *due)
                .values(status=JobStatus.running, attempts=Job.attempts + 1, lease_until=now + lease)
            )
            if taken.rowcount == 1:
                job = session.get(Job, job_id)
                session.commit()
                return job
        session.commit()
    return None


def _end_attempt(job: Job, **values):
    """The UPDATE that records the outcome of the attempt `job` holds: it matches nothing once its lease passed
    and another runner took the job."""
    return (
        update(Job)
        .where(col(Job.id) == job.id, Job.attempts == job.attempts, Job.status == JobStatus.running)
        .values(**values)
    )


def _finish(engine: Engine, job: Job, **values) -> bool:
    """Record the outcome of the attempt `job` holds; False when its lease passed and another runner took it."""
    with open_session(engine, write=True) as session:
        ended = session.exec(_end_attempt(job, **values))
        session.commit()
    return ended.rowcount == 1


def run_job(engine: Engine, settings: Settings, job: Job, cache: AgendaCache | None = None) -> JobStatus:
    """Run a claimed job in its own transaction, marked done (or superseded) in it; on error roll back, record the
    error and queue it again after a wait, or fail it after its last attempt. Its status afterwards."""
    runner, prepare = KINDS.get(job.kind, (None, None))
    now, cpu = utcnow(), time.process_time()
    try:
        if runner is None:
            raise LookupError(f"no runner for jobs of kind {job.kind!r}")
        if prepare is not None and cache is not None:
            with open_session(engine, write=False) as session:
                prepare(session=session, payload=job.payload, cache=cache)
        with open_session(engine, write=True) as session:
            status, done = runner(session=session, settings=settings, payload=job.payload, cache=cache)
            ended = session.exec(
                _end_attempt(
                    job,
                    status=status,
                    finished_at=utcnow(),
                    lease_until=None,
                    last_error="",
                    # What it did, and the CPU it took (the process's: all of it in a job process).
                    payload={**job.payload, "sent": done, "cpu_ms": round((time.process_time() - cpu) * 1000)},
                )
            )
            if ended.rowcount != 1:
                # Our lease passed and another runner took it: its attempt counts, ours is rolled back.
                session.rollback()
                log.warning("job %s (%s): lease lost, attempt rolled back", job.id, job.key)
                return JobStatus.running
            session.commit()
        log.info("job %s (%s): %s, %s queued", job.id, job.key, status, done)
        return JobStatus(status)
    except Exception as exc:
        give_up = job.attempts >= settings.JOBS_MAX_ATTEMPTS
        log.exception("job %s (%s) failed on attempt %s%s", job.id, job.key, job.attempts, ": giving up" * give_up)
        status = JobStatus.failed if give_up else JobStatus.queued
        error = f"{type(exc).__name__}: {exc}"[:2000]
        later = None if give_up else now + retry_wait(settings, job.attempts)
        _finish(engine, job, status=status, lease_until=later, last_error=error, finished_at=now if give_up else None)
        return status


def run_queued_jobs(
    engine: Engine,
    settings: Settings,
    *,
    cache: AgendaCache | None = None,
    waited: timedelta = timedelta(0),
    limit: int = 50,
) -> int:
    """Claim and run due jobs one at a time until none is due (at most `limit`); how many ran."""
    cache = cache if cache is not None else job_cache(settings)
    ran = 0
    while ran < limit:
        job = claim_job(engine, settings, now=utcnow(), waited=waited)
        if job is None:
            break
        run_job(engine, settings, job, cache)
        ran += 1
    return ran


# -- the job process of a `council serve` worker ----------------------------------------------


def chart_folder(settings: Settings) -> str | None:
    """Where charts are kept on disk for every worker and job process (CHART_CACHE_DIR; None: not kept)."""
    return charts.DEFAULT_FOLDER if settings.CHART_CACHE_DIR is None else settings.CHART_CACHE_DIR or None


def job_cache(settings: Settings) -> AgendaCache:
    """A runner's agenda cache: the few agendas of the jobs under way, the packs it builds kept on disk too."""
    return AgendaCache(
        max_entries=4,
        pack_bytes=64 * 1024 * 1024,
        folder=settings.pack_folder,
        files=settings.PACK_CACHE_FILES,
        shared=settings.AGENDA_SHARE_DIR or None,
    )


_child: dict = {}
# Set while the job process runs no job: the warm-up builds only then, so a publish's pack and mail (a chair about
# to download it) never share the process's CPU with it.
_idle = threading.Event()
_idle.set()


# How often a job process looks whether the worker that started it is still there.
PARENT_CHECK_SECONDS = 1.0
# How much lower than its worker's the job process's CPU priority is. At 10 a job gets about a tenth of a core that
# a worker also wants (5 gave it a quarter): in the load run's first five seconds the publish jobs (pack, charts)
# took 1.1 to 1.8 s of the two cores' 10 while fifty people's first pages queued. Jobs are never what a person
# waits on, but for a pack download while the job builds it (at most JOB_PACK_WAIT_SECONDS; a job still queued is
# not waited for: app/agendas/export.py _job_pack). The packs' charts are drawn ahead (app/agendas/warm.py).
# Not the batch class as well (SCHED_BATCH, whose waking never preempts another task): a publish job wakes at each
# of its statements' answers. In two load runs on a busy machine (session 19) its mail was queued 21 and 23 s after
# the publish at p95 and a chair's download waited 5.7 and 7.7 s for its pack (at niceness alone, five runs: 6-13 s
# and at most 0.16 s).
JOB_NICENESS = 10


def _lower_priority() -> None:
    """The job process's CPU JOB_NICENESS below its worker's, set in the job process itself as it starts (its
    threads, started after, inherit it). Where that is refused (a container's seccomp profile) the process runs as it
    is: a job at its worker's priority is slower for the pages, never lost."""
    try:
        os.nice(JOB_NICENESS)
    except OSError as exc:
        log.warning("the job process runs at its worker's niceness (%s)", exc)


def _end_with_parent(parent: int) -> None:
    """End this job process once the worker that started it is gone. A worker killed with -9 (or by the
    out-of-memory killer) cannot stop its job process, which would otherwise wait for work that never comes,
    holding its memory and database engine, for as long as the machine runs. A job under way is then left to
    its lease, as any killed runner's is."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="job-process-parent-watch", daemon=True).start()


def _start_child(values: dict, parent: int, log_config: dict | None = None) -> None:
    """The job process's start: its own settings, engine, chart folder and agenda cache (nothing inherited).
    `parent`: the worker's pid, as the worker saw it (it may be gone before this process has done its imports);
    `log_config`: the worker's logging (app/logs.py), so a job's outcome reaches the server's log."""
    from app.config import Settings

    _end_with_parent(parent)
    logs.apply(log_config)

    # Ctrl-C reaches the whole process group: the worker's shutdown lets the job under way finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Its CPU yields to the requests' (people waiting on a page) when both want the same core.
    _lower_priority()
    settings = Settings(**values)
    charts.use_disk_cache(chart_folder(settings), settings.CHART_CACHE_FILES)
    _child.update(settings=settings, engine=make_engine(settings.DATABASE_URL), cache=job_cache(settings))
    # The server's first visitors find the current meetings' agendas built (one job process of the server does it,
    # in a thread, at this process's low priority): app/agendas/warm.py.
    warming = warm.start_warm_up(_child["engine"], settings, when_idle=_when_idle)
    threading.Thread(target=_load_chart_library, args=(warming,), name="council-charts-load", daemon=True).start()


# How often the warm-up looks again whether the server's jobs are done.
IDLE_LOOK_S = 0.5


def jobs_under_way(engine: Engine, *, now: datetime) -> bool:
    """Is a job of the server running, or due to be claimed (not one queued to be tried again later)?"""
    with open_session(engine, write=False) as session:
        found = session.exec(
            select(Job.id).where(or_(col(Job.status) == JobStatus.running, and_(*_due(now)))).limit(1)
        ).first()
    return found is not None


def _when_idle(seconds: float) -> None:
    """Wait (at most `seconds`) until no job runs here nor in the server's other job processes, nor waits for one:
    the warm-up (agendas, the packs' charts) is at the same low priority as a job, in this process or another,
    and would take half of what little CPU a job gets while the workers are busy."""
    deadline = time.monotonic() + seconds
    _idle.wait(seconds)
    while time.monotonic() < deadline:
        try:
            if not jobs_under_way(_child["engine"], now=utcnow()):
                return
        except Exception:  # the database unreachable: the warm-up's own reads will say so
            return
        time.sleep(IDLE_LOOK_S)


def _load_chart_library(after: threading.Thread | None) -> None:
    """Import the pack's chart library (matplotlib: about a second of CPU) while the process waits for work, after
    the warm-up if this process runs it: the first publish after a start then pays only its charts, not the import,
    on what is then the busiest second of the server, as everyone arrives."""
    if after is not None:
        after.join()
    charts.load()


def _run_in_child() -> int:
    _idle.clear()
    try:
        return run_queued_jobs(_child["engine"], _child["settings"], cache=_child["cache"])
    finally:
        _idle.set()


def _ready() -> bool:
    return True


class JobProcess:
    """ONE spawned process per worker that runs the queued jobs when asked (`kick`), and every poll seconds."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._stop = threading.Event()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_child,
            initargs=(self.settings.model_dump(), os.getpid(), logs.configured()),
        )

    def start(self) -> None:
        with self._lock:
            self._pool = self._new_pool()
            # Started (and its imports done) now, not on the first publish.
            self._pool.submit(_ready)
        # A thread of its own each start: an app's lifespan may run again (a second test client).
        self._stop = threading.Event()
        threading.Thread(target=self._poll, args=(self._stop,), name="council-jobs", daemon=True).start()

    def kick(self) -> None:
        """Ask the job process to run what is due (after the request that queued a job has committed)."""
        with self._lock:
            if self._pool is None:
                return
            try:
                future = self._pool.submit(_run_in_child)
            except BrokenProcessPool:
                log.warning("the job process died: starting another")
                self._pool = self._new_pool()
                future = self._pool.submit(_run_in_child)
        future.add_done_callback(_log_failure)

    def _poll(self, stop: threading.Event) -> None:
        while not stop.wait(self.settings.JOBS_POLL_SECONDS):
            self.kick()

    def stop(self) -> None:
        """Stop polling and wait for the job under way (the queued asks are dropped: the jobs stay queued)."""
        self._stop.set()
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _log_failure(future: Future) -> None:
    if not future.cancelled() and (error := future.exception()) is not None:
        log.error("the job process failed: %r", error)


class Jobs:
    """What a request that recorded a job calls once it has committed (app.state.jobs.after_commit), by JOBS_RUN_IN."""

    def __init__(self, engine: Engine, settings: Settings, cache: AgendaCache | None) -> None:
        self.engine, self.settings, self.cache = engine, settings, cache
        self.process = JobProcess(settings) if settings.JOBS_RUN_IN == "process" else None

    def start(self) -> None:
        if self.process is not None:
            self.process.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def after_commit(self) -> None:
        if self.process is not None:
            self.process.kick()
        elif self.settings.JOBS_RUN_IN == "inline":
            run_queued_jobs(self.engine, self.settings, cache=self.cache)


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
                waited = timedelta(0) if self.settings.JOBS_RUN_IN == "off" else WAITED_IN_SERVE
                jobs, run = deliver_pass(self.engine, self.settings, waited=waited)
                if run.claimed or any(jobs.values()):
                    log.info("deliver: jobs %s; %s", jobs, run.summary())
            except Exception:
                # The database or the mail server may be down for a while: try again next pass.
                log.exception("delivery pass failed")
            self._stop.wait(self.settings.DELIVER_INTERVAL_SECONDS)
