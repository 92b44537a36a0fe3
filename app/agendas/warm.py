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
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app import filecache
from app.agendas.bodies import kept_bodies
from app.agendas.cache import AgendaCache, AgendaKey
from app.agendas.service import agenda_entry
from app.auth import Access
from app.db import open_session
from app.models import Council, Meeting, MeetingStatus, Membership, Role, User, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.config import Settings

log = logging.getLogger("council.warm")

# A job (a publish's pack and mail) goes first; a warm-up still waiting after this long builds the next one anyway.
IDLE_WAIT_S = 30.0
CLAIM = ".warm-up"  # the file in the shared folder whose creator warms the server's agendas


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


def warm_meeting(session: Session, *, meeting_id: int, cache: AgendaCache) -> AgendaKey | None:
    """Build (or find already built) the agenda a member would open for `meeting_id`, kept in `cache` and its
    shared folder; its key, or None when there is nothing to keep (the meeting or its council gone)."""
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
    return entry.key


def warm_agendas(
    engine: "Engine",
    settings: "Settings",
    *,
    now: datetime | None = None,
    when_idle: Callable[[float], object] | None = None,
) -> list[AgendaKey]:
    """Build the current meetings' agendas into the shared folder (see the module); the keys built or found.

    Each in its own read transaction; one that fails is logged and skipped (a reader will build it). Before
    each, `when_idle(seconds)` waits (at most that long) until the process has nothing more urgent to do."""
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
                key = warm_meeting(session, meeting_id=meeting_id, cache=cache)
        except Exception:
            log.exception("warm-up: the agenda of meeting %s was not built", meeting_id)
            continue
        if key is not None:
            keys.append(key)
    return keys


def claim(folder: str) -> bool:
    """Is this process the one that warms the server's agendas? (The first to create the claim file.)"""
    if not filecache.trusted(folder):
        return False
    try:
        os.close(os.open(os.path.join(folder, CLAIM), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        return False
    return True


def start_warm_up(
    engine: "Engine", settings: "Settings", *, when_idle: Callable[[float], object] | None = None
) -> threading.Thread | None:
    """Warm the server's agendas in a background thread of this process, if it is the one to (see the module);
    `when_idle` as for warm_agendas (the job process: between its jobs)."""
    folder = settings.AGENDA_SHARE_DIR
    if not folder or settings.AGENDA_WARM_MEETINGS <= 0 or settings.AGENDA_WARM_DAYS <= 0 or not claim(folder):
        return None

    def run() -> None:
        started = time.perf_counter()
        try:
            keys = warm_agendas(engine, settings, when_idle=when_idle)
        except Exception:  # the database unreachable at start: readers build as they would have
            log.exception("warm-up: stopped")
            return
        log.info("warm-up: %s agendas ready in %.1f s", len(keys), time.perf_counter() - started)

    thread = threading.Thread(target=run, name="council-warm-up", daemon=True)
    thread.start()
    return thread
