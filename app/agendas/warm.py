"""A server that has just started builds the agendas people are about to open, before they ask.

Right after a start (a deploy, a restart) every agenda is cold in every worker, so the first
people to open each council's agenda page, or its minutes page (which shows the same agenda),
pay its build: about half a second of CPU for a five-year council, several seconds each when
a whole organisation arrives at once. So, soon after the start, ONE process of the server (the
job process that wins the folder's claim: app/jobs.py) builds the agenda of each council's
current meeting into the folder the workers share (AGENDA_SHARE_DIR, app/agendas/cache.py
AgendaFiles); a worker then reads the file back (a fifth of a build) instead of building it, and the page's HTML
that shows every reader the same, rendered here too, instead of rendering it.

- "Current": the council's next meeting not yet held or cancelled, from today on; else its latest
  meeting. Only councils with such a meeting within AGENDA_WARM_DAYS of now, the nearest first, at
  most AGENDA_WARM_MEETINGS of them (1,000 councils cost the same few seconds as 30 would).
- Kept under the key a reader would use (the council's stamp and date, or the circulated snapshot):
  a write after the warm-up simply means the next reader builds it, as before. Nothing else changes.
- In the background and at low priority: the job process is niced, and this runs in a thread of it, between
  its jobs (a publish's pack and mail go first);
  /api/health and the requests never wait for it (a worker that needs the same agenda at the same
  moment waits for this build rather than doing it twice, as for another worker's: AgendaFiles.kept).
- Once per server: the first process to create the claim file in the shared folder does it.
  Off without a shared folder (one worker: nothing to share with), in tests, or with 0 meetings.
- Then, once every agenda is built, the trend charts their Word packs will draw (app/docx/agenda.py
  charted_measures: the same charts, so the same files), into the chart folder every process reads
  (CHART_CACHE_DIR, app/charts.py), one at a time between jobs, at most half that folder's CHART_CACHE_FILES.
  A council's first pack draws about twenty (some 6 s of CPU for a five-year council): drawn here, before a
  chair publishes, the publish job's pack takes a tenth of that, and the chair's download finds it built
  instead of waiting for a job that draws them at low priority while people are arriving. Charts already drawn
  are read, not drawn again; without a chart folder (charts kept in memory only) nothing is drawn ahead.
  Two job processes draw them: the warm-up's leaves the list in the shared folder (CHARTS) and draws every other
  one, a second (the first to claim HELPER) the others; then each goes over the whole list, drawing what is still
  missing (a chart the other has drawn is read, not drawn again).
"""

import contextlib
import logging
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app import charts, filecache
from app.agendas.bodies import kept_bodies
from app.agendas.cache import SHARED_FILES, AgendaCache, AgendaKey
from app.agendas.model import MeasureRow
from app.agendas.service import agenda_entry
from app.auth import Access
from app.db import open_session
from app.docx.agenda import charted_measures
from app.models import Council, Meeting, MeetingStatus, Membership, Role, User, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.config import Settings

log = logging.getLogger("council.warm")

# A job (a publish's pack and mail) goes first; a warm-up still waiting after this long builds the next one anyway.
IDLE_WAIT_S = 30.0
CLAIM = ".warm-up"  # the file in the shared folder whose creator warms the server's agendas
CHARTS = ".warm-charts"  # the measures whose pack charts the warm-up draws, for the second process drawing them
HELPER = ".warm-charts-helper"  # the file whose creator is that second process
# How long the second process waits for the list (the warm-up builds every agenda first), and looks again.
HELPER_WAIT_S, HELPER_LOOK_S = 600.0, 1.0
# The charts' thread's CPU priority: below the job process's own (app/jobs.py JOB_NICENESS), the lowest a thread may
# give itself. They are for a publish to come; a page, or a job, that wants the CPU now goes first. Not the idle
# class (SCHED_IDLE): in three load runs on a busy machine (session 19) the people's pages were no quicker than the
# spread of five runs at niceness 19, and in one a chair's download waited 2.6 s for its pack (at most 0.16 s in
# those five). A chart thread shares its job process's GIL with the publish jobs: a thread preempted while it holds
# the GIL must run again before a job can go on, and in a small trial (both cores busy, five rounds) a thread at
# niceness 19 or in the idle class alike made the job's thread take 2.3-2.8 times as long.
CHART_NICENESS = 19


def _lowest_priority() -> None:
    """This thread (only: Linux's niceness is a thread's) at CHART_NICENESS; nothing elsewhere."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError):
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, max(os.getpriority(os.PRIO_PROCESS, thread), CHART_NICENESS))


def current_meetings(session: Session, *, now: datetime, days: int, limit: int) -> list[int]:
    """The ids of the councils' current meetings (see the module), nearest to `now` first, at most `limit`.

    One query over the meetings within `days` of now (an index on council and time), whatever the number of
    councils."""
    if limit <= 0 or days <= 0:
        return []
    window = timedelta(days=days)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    rows = session.exec(
        select(Meeting.id, Meeting.council_id, Meeting.scheduled_at, Meeting.status)
        .where(
            col(Meeting.scheduled_at) >= now - window,
            col(Meeting.scheduled_at) <= now + window,
            Meeting.status != MeetingStatus.cancelled,
        )
        .order_by(col(Meeting.scheduled_at), col(Meeting.id))
    ).all()
    upcoming: dict[int, tuple[int, datetime]] = {}
    latest: dict[int, tuple[int, datetime]] = {}
    for meeting_id, council_id, at, status in rows:
        at = at if at.tzinfo else at.replace(tzinfo=now.tzinfo)  # SQLite gives naive UTC
        if status == MeetingStatus.scheduled and at >= today:
            upcoming.setdefault(council_id, (meeting_id, at))
        elif at <= now:
            latest[council_id] = (meeting_id, at)  # rows come oldest first: the last one wins
    chosen = latest | upcoming
    nearest = sorted(chosen.values(), key=lambda found: (abs(found[1] - now), found[0]))
    return [meeting_id for meeting_id, _ in nearest[:limit]]


def warm_meeting(
    session: Session, *, meeting_id: int, cache: AgendaCache, charted: list[MeasureRow] | None = None
) -> AgendaKey | None:
    """Build (or find already built) the agenda a member would open for `meeting_id`, kept in `cache` and its
    shared folder; its key, or None when there is nothing to keep (the meeting or its council gone). `charted`:
    given the measures whose charts its Word pack draws."""
    meeting = session.get(Meeting, meeting_id)
    council = session.get(Council, meeting.council_id) if meeting is not None else None
    # The agenda is the same for every seat that may read it (an observer reads only a circulated one); the
    # build only needs a seat to ask as.
    seat = (
        session.exec(
            select(Membership)
            .where(Membership.council_id == council.id, Membership.role != Role.observer)
            .order_by(col(Membership.id))
            .limit(1)
        ).first()
        if council is not None
        else None
    )
    user = session.get(User, seat.user_id) if seat is not None else None
    if meeting is None or council is None or seat is None or user is None:
        return None
    access = Access(user=user, council=council, membership=seat)
    # What a member opening the agenda gets, under the same key: the circulated agenda, or the draft; and the HTML
    # of it that shows every reader the same, which the workers would otherwise each render (app/agendas/bodies.py).
    entry = agenda_entry(session=session, access=access, meeting=meeting, cache=cache)
    kept_bodies(entry, council_id=council.id, cache=cache)
    if charted is not None:
        charted.extend(charted_measures(entry.agenda))
    return entry.key


def warm_agendas(
    engine: "Engine",
    settings: "Settings",
    *,
    now: datetime | None = None,
    when_idle: Callable[[float], object] | None = None,
    charted: list[MeasureRow] | None = None,
) -> list[AgendaKey]:
    """Build the current meetings' agendas into the shared folder (see the module); the keys built or found.

    Each in its own read transaction; one that fails is logged and skipped (a reader will build it). Before
    each, `when_idle(seconds)` waits (at most that long) until the process has nothing more urgent to do.
    `charted` (a list) is given the measures whose charts their Word packs draw (draw_pack_charts)."""
    folder = settings.AGENDA_SHARE_DIR
    if not folder or settings.AGENDA_WARM_MEETINGS <= 0:
        return []
    # One entry in memory at a time: what matters is the folder the workers read.
    cache = AgendaCache(max_entries=1, pack_bytes=0, shared=folder)
    with open_session(engine, write=False) as session:
        meeting_ids = current_meetings(
            session, now=now or utcnow(), days=settings.AGENDA_WARM_DAYS, limit=settings.AGENDA_WARM_MEETINGS
        )
    keys = []
    for meeting_id in meeting_ids:
        if when_idle is not None:
            when_idle(IDLE_WAIT_S)
        try:
            with open_session(engine, write=False) as session:
                key = warm_meeting(session, meeting_id=meeting_id, cache=cache, charted=charted)
        except Exception:
            log.exception("warm-up: the agenda of meeting %s was not built", meeting_id)
            continue
        if key is not None:
            keys.append(key)
    return keys


def draw_pack_charts(rows: list[MeasureRow], *, limit: int, when_idle: Callable[[float], object] | None = None) -> int:
    """Draw the PNG trend charts of `rows` (at most `limit`) as a Word pack asks for them (app/charts.py
    measure_chart_png: kept on disk for every process); how many are there now. One at a time, each after
    `when_idle(seconds)` as for warm_agendas; one that fails is logged and skipped (the pack will draw it)."""
    ready = 0
    for row in rows[: max(limit, 0)]:
        if when_idle is not None:
            when_idle(IDLE_WAIT_S)
        try:
            charts.measure_chart_png(row)
        except Exception:
            log.exception("warm-up: the chart of %r was not drawn", row.name)
            continue
        ready += 1
    return ready


def _charted(folder: str) -> list[MeasureRow] | None:
    """The list the warm-up left (CHARTS), once it is there and whole."""
    content = filecache.read(folder, CHARTS, lambda c: c.endswith(b"."))
    try:
        rows = pickle.loads(content) if content is not None else None  # noqa: S301 (our private folder: AgendaFiles)
    except Exception:
        return None
    return rows if isinstance(rows, list) and all(isinstance(row, MeasureRow) for row in rows) else None


def help_draw(
    folder: str,
    *,
    limit: int,
    when_idle: Callable[[float], object] | None = None,
    wait: float = HELPER_WAIT_S,
) -> int:
    """The second process's share of the pack charts (see the module), once the warm-up has left their list
    (waiting at most `wait` seconds); how many it went over."""
    deadline = time.monotonic() + wait
    while (rows := _charted(folder)) is None:
        if time.monotonic() > deadline:
            return 0
        time.sleep(HELPER_LOOK_S)
    rows = rows[: max(limit, 0)]
    draw_pack_charts(rows[1::2], limit=limit, when_idle=when_idle)
    return draw_pack_charts(rows, limit=limit, when_idle=when_idle)


def claim(folder: str, name: str = CLAIM) -> bool:
    """Is this process the one that warms the server's agendas? (The first to create the claim file; `name`: another
    claim, e.g. HELPER.)"""
    if not filecache.trusted(folder):
        return False
    try:
        os.close(os.open(os.path.join(folder, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return False
    return True


def start_warm_up(
    engine: "Engine", settings: "Settings", *, when_idle: Callable[[float], object] | None = None
) -> threading.Thread | None:
    """Warm the server's agendas in a background thread of this process, if it is the one to, or help draw their
    packs' charts, if it is the second (see the module); `when_idle` as for warm_agendas (the job process: between
    its jobs)."""
    folder = settings.AGENDA_SHARE_DIR
    if not folder or settings.AGENDA_WARM_MEETINGS <= 0 or settings.AGENDA_WARM_DAYS <= 0:
        return None
    limit = settings.CHART_CACHE_FILES // 2
    if not claim(folder):
        if not charts.kept_on_disk() or not claim(folder, HELPER):
            return None

        def helper() -> None:
            _lowest_priority()
            started = time.perf_counter()
            ready = help_draw(folder, limit=limit, when_idle=when_idle)
            log.info("warm-up: %s pack charts ready (helping) in %.1f s", ready, time.perf_counter() - started)

        thread = threading.Thread(target=helper, name="council-warm-up-charts", daemon=True)
        thread.start()
        return thread

    def run() -> None:
        started = time.perf_counter()
        # Only charts every process will find (a chart folder): in this process's memory alone they would help
        # none but its own jobs.
        charted: list[MeasureRow] | None = [] if charts.kept_on_disk() else None
        try:
            keys = warm_agendas(engine, settings, when_idle=when_idle, charted=charted)
        except Exception:  # the database unreachable at start: readers build as they would have
            log.exception("warm-up: stopped")
            return
        log.info("warm-up: %s agendas ready in %.1f s", len(keys), time.perf_counter() - started)
        if charted is not None:
            _lowest_priority()
            started = time.perf_counter()
            charted = charted[:limit]
            # For the second process (help_draw), even when empty: it then stops waiting.
            content = pickle.dumps(charted, protocol=pickle.HIGHEST_PROTOCOL)
            filecache.write(folder, CHARTS, content, files=SHARED_FILES)
            draw_pack_charts(charted[0::2], limit=limit, when_idle=when_idle)
            ready = draw_pack_charts(charted, limit=limit, when_idle=when_idle)
            log.info("warm-up: %s pack charts ready in %.1f s", ready, time.perf_counter() - started)

    thread = threading.Thread(target=run, name="council-warm-up", daemon=True)
    thread.start()
    return thread
