"""Agendas: live drafts, published snapshots, and what changed since publishing."""

import dataclasses
import threading
import weakref
from datetime import UTC, date
from functools import partial

from sqlalchemy import bindparam
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.agendas.build import build_agenda
from app.agendas.cache import AgendaCache, AgendaEntry, AgendaJson, AgendaKey, DraftCopy, agenda_json_body
from app.agendas.changes import comparable
from app.agendas.data import load_agenda_data
from app.agendas.model import Agenda, LiveAgenda
from app.agendas.outline import AgendaOutline
from app.auth import Access
from app.common import today_in
from app.db import JsonText
from app.errors import Conflict, Forbidden
from app.models import AgendaSnapshot, Meeting, MeetingStatus, Role, utcnow
from app.revision import carry_over, stamp_for

# Tables the draft reads none of (tests/agendas/test_draft_carried.py checks its statements): a commit that wrote only
# rows of these (publishing: the snapshot; its mail job is bookkeeping) leaves the kept draft what the data shows.
DRAFT_UNREAD: frozenset[type] = frozenset({AgendaSnapshot})

# Built once (the agenda and minutes pages read it on every open): a select is immutable, the meeting a parameter.
_LATEST_SNAPSHOT = (
    select(AgendaSnapshot)
    .options(defer(AgendaSnapshot.content))
    .where(AgendaSnapshot.meeting_id == bindparam("meeting_id"))
    .order_by(col(AgendaSnapshot.version).desc())
    .limit(1)
)


def latest_snapshot(*, session: Session, meeting: Meeting) -> AgendaSnapshot | None:
    """The agenda as last circulated, if it has been (its content, most of a megabyte, read when first used:
    a reader the cache answers needs only the row's key)."""
    return session.exec(_LATEST_SNAPSHOT, params={"meeting_id": meeting.id}).first()


def live_agenda(
    *, session: Session, access: Access, meeting: Meeting, snapshot: AgendaSnapshot | None, today: date | None = None
) -> Agenda:
    """The agenda built from today's data."""
    data = load_agenda_data(session=session, council=access.council, meeting=meeting, today=today)
    if snapshot is None:
        return build_agenda(data)
    return build_agenda(data, status="published", version=snapshot.version, published_at=snapshot.published_at)


def readable_snapshot(*, session: Session, access: Access, meeting: Meeting, live: bool) -> AgendaSnapshot | None:
    """The latest snapshot, once this seat may read the agenda asked for."""
    snapshot = latest_snapshot(session=session, meeting=meeting)
    if access.is_(Role.observer) and (snapshot is None or live):
        raise Forbidden("Observers see the agenda once the chair has published it.")
    return snapshot


def get_agenda(
    *, session: Session, access: Access, meeting: Meeting, live: bool = False, cache: AgendaCache | None = None
) -> Agenda:
    """What was circulated once published (or the live draft before); `live` compares the two.

    Read-only: the object may be shared with other requests through `cache` (see app/agendas/cache.py)."""
    return agenda_entry(session=session, access=access, meeting=meeting, live=live, cache=cache).agenda


def agenda_entry(
    *, session: Session, access: Access, meeting: Meeting, live: bool = False, cache: AgendaCache | None = None
) -> AgendaEntry:
    """The agenda get_agenda answers, built once per change of what it shows and kept in `cache`:
    every renderer (page, JSON, Word, PDF, calendar) comes through here or kept_entry."""
    snapshot, stamp = agenda_source(session=session, access=access, meeting=meeting, live=live)
    return kept_entry(
        session=session, access=access, meeting=meeting, live=live, snapshot=snapshot, cache=cache, stamp=stamp
    )


def agenda_source(
    *, session: Session, access: Access, meeting: Meeting, live: bool
) -> tuple[AgendaSnapshot | None, str | None]:
    """The snapshot and stamp agenda_entry keeps the agenda asked for under, once this seat may read it."""
    snapshot = readable_snapshot(session=session, access=access, meeting=meeting, live=live)
    # The circulated agenda is its snapshot's (kept_entry): the council's stamp would not change its key.
    stamp = None if snapshot is not None and not live else draft_stamp(session, access)
    return snapshot, stamp


def agenda_key(
    *, access: Access, meeting: Meeting, live: bool, snapshot: AgendaSnapshot | None, stamp: str | None
) -> AgendaKey | None:
    """The key kept_entry keeps that agenda under today (None: it is not kept)."""
    return _key(meeting=meeting, live=live, snapshot=snapshot, stamp=stamp, today=today_in(access.council.timezone))


def kept_outline(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    snapshot: AgendaSnapshot | None,
    cache: AgendaCache | None,
    stamp: str | None,
) -> AgendaOutline:
    """What the minutes follow of the agenda kept_entry would give (not live): the same key, the same agenda's.

    From the agenda this worker holds, else the outline another worker wrote beside the agenda in the shared
    folder (read once, then kept: a twentieth of reading the agenda), else from kept_entry (built or read whole)."""
    key = _key(meeting=meeting, live=False, snapshot=snapshot, stamp=stamp, today=today_in(access.council.timezone))
    if cache is not None and key is not None:
        if (outline := cache.get_outline(key)) is not None:
            return outline
        if cache.shared is not None and (outline := cache.shared.read_outline(key)) is not None:
            cache.put_outline(key, outline)
            return outline
    return kept_entry(
        session=session, access=access, meeting=meeting, live=False, snapshot=snapshot, cache=cache, stamp=stamp
    ).outline


def draft_stamp(session: Session, access: Access) -> str:
    """The stamp the council's draft (and live comparison) is kept under. The draft reads none of the minutes'
    record: a secretary's autosave leaves it cached (minutes=False)."""
    return stamp_for(session, access.council.id, minutes=False)


def _key(
    *, meeting: Meeting, live: bool, snapshot: AgendaSnapshot | None, stamp: str | None, today: date
) -> AgendaKey | None:
    """What kept_entry keeps the agenda under on `today` (None: it may not be kept)."""
    if snapshot is not None and not live:
        stamp = circulated_tag(snapshot)
    return AgendaKey(meeting_id=meeting.id, live=live, today=today, stamp=stamp) if stamp else None


def kept_entry(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    live: bool,
    snapshot: AgendaSnapshot | None,
    cache: AgendaCache | None,
    stamp: str | None,
    frozen: Agenda | None = None,
    copy: DraftCopy | None = None,
) -> AgendaEntry:
    """The agenda of `meeting` from `snapshot` (None: the draft), from `cache` or built and kept there; for a caller
    that has checked the read rule and found the snapshot itself. `frozen`: the agenda `snapshot` was just written
    from (publishing), kept as it is rather than read back from the snapshot's JSON; `copy`: the kept draft it is a
    copy of, if it is one (freeze_agenda), which is how the server's shared folder then keeps it.

    The draft and the live comparison are kept under `stamp` (revision.stamp_for: every write to the council's
    data but the minutes' record replaces it; None keeps nothing). The circulated agenda is the snapshot's
    content and nothing else, so it is kept under the snapshot (circulated_tag) whatever `stamp` says: an
    action's note leaves it warm; publishing again makes a new snapshot, hence a new key."""
    today = today_in(access.council.timezone)
    key = _key(meeting=meeting, live=live, snapshot=snapshot, stamp=stamp, today=today)

    def build() -> Agenda:
        if frozen is not None and not live:
            return frozen
        return _agenda(session=session, access=access, meeting=meeting, live=live, snapshot=snapshot, today=today)

    if cache is None or key is None:
        return AgendaEntry(agenda=build(), key=key)
    if (hit := cache.get(key)) is not None:
        return hit
    # Readers of the same cold agenda in this worker (a council's members arriving together) wait for the first
    # one's build instead of each building it again: one build per key at a time, then the others find it kept.
    building = _building(key)
    with building.lock:
        if (hit := cache.get(key)) is not None:
            return hit
        # And the server's other workers, when they share a folder: one of them builds it, the others read it.
        agenda = (
            build()
            if cache.shared is None
            else cache.shared.kept(key, build, held=partial(_held, cache), copy=copy if frozen is not None else None)
        )
        entry = AgendaEntry(agenda=agenda, key=key)
        cache.put(key, entry)
        return entry


def _held(cache: AgendaCache, key: AgendaKey) -> Agenda | None:
    """The agenda this worker holds under `key`, if it does."""
    hit = cache.get(key)
    return hit.agenda if hit is not None else None


class _Build:
    """The lock of one key's build, held by whoever builds it; it lives as long as a request refers to it."""

    __slots__ = ("__weakref__", "lock")

    def __init__(self) -> None:
        self.lock = threading.Lock()


_builds: "weakref.WeakValueDictionary[AgendaKey, _Build]" = weakref.WeakValueDictionary()
_builds_guard = threading.Lock()


def _building(key: AgendaKey) -> _Build:
    """The one lock under which `key` is built in this worker (gone once no request holds it)."""
    with _builds_guard:
        build = _builds.get(key)
        if build is None:
            build = _builds[key] = _Build()
        return build


def circulated_tag(snapshot: AgendaSnapshot) -> str:
    """What a circulated agenda is kept under: its snapshot, which is never changed once written. The publishing
    time too: a publish rolled back leaves nothing, and the next may reuse its id and version, never its time."""
    return f"snapshot:{snapshot.id}:v{snapshot.version}:{snapshot.published_at.astimezone(UTC).isoformat()}"


def _agenda(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    live: bool,
    snapshot: AgendaSnapshot | None,
    today: date | None = None,
) -> Agenda:
    if snapshot is None:
        return live_agenda(session=session, access=access, meeting=meeting, snapshot=None, today=today)
    published = Agenda.model_validate(snapshot.content)
    if not live:
        return published
    current = live_agenda(session=session, access=access, meeting=meeting, snapshot=snapshot, today=today)
    before = {s.anchor: comparable(s.model_dump(mode="json")) for s in published.sections}
    changed = [s.anchor for s in current.sections if comparable(s.model_dump(mode="json")) != before.get(s.anchor)]
    if current.meeting.model_dump(mode="json") != published.meeting.model_dump(mode="json"):
        changed.insert(0, "meeting")
    return LiveAgenda(**current.model_dump(), changed_sections=changed)


def agenda_json(*, session: Session, access: Access, meeting: Meeting, live: bool, cache: AgendaCache) -> AgendaJson:
    """get_agenda as JSON, serialised once per cached build (see agenda_entry)."""
    return agenda_entry(session=session, access=access, meeting=meeting, live=live, cache=cache).json


def publish_agenda(*, session: Session, access: Access, meeting: Meeting) -> Agenda:
    """Freeze today's agenda as the one circulated (chair), without the mail (app/agendas/publish.py sends it);
    allowed again until the meeting is held."""
    return freeze_agenda(session=session, access=access, meeting=meeting)[1]


def freeze_agenda(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None
) -> tuple[AgendaSnapshot, Agenda, DraftCopy | None]:
    """The snapshot row of a new circulated version (flushed: it has its id), the agenda it holds, and the kept
    draft that agenda is a copy of (None: built).

    Today's draft as readers have it kept in `cache` (the agenda page the chair publishes from) is what is
    frozen, rather than built again: the draft reads the same data on the same day under the same stamp."""
    access.require(Role.chair, doing="publish the agenda")
    if meeting.status == MeetingStatus.held:
        raise Conflict("This meeting has been held: the agenda that was circulated stands.")
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict("This meeting is cancelled; reschedule it before publishing an agenda.")
    previous = latest_snapshot(session=session, meeting=meeting)
    version = (previous.version if previous else 0) + 1
    now = utcnow()
    key, draft = _kept_draft(session=session, access=access, meeting=meeting, cache=cache)
    copy = None
    if draft is not None:
        copy = DraftCopy(draft=key, update={"status": "published", "version": version, "published_at": now})
        agenda = copy.of(draft)
        # Publishing changes nothing the draft shows: once committed, the draft is kept under the council's new stamp
        # too, so publishing again (or the chair's live view) finds it rather than reading the data and building it.
        carry_over(
            session,
            access.council.id,
            stamp=key.stamp,
            writes=DRAFT_UNREAD,
            then=partial(_carry_draft, cache, key, draft),
        )
    else:
        data = load_agenda_data(session=session, council=access.council, meeting=meeting)
        agenda = build_agenda(data, status="published", version=version, published_at=now)
    snapshot = AgendaSnapshot(
        meeting_id=meeting.id,
        version=version,
        # Written as pydantic serialises the agenda (what its JSON API answers), never dumped to a dict (JsonText).
        content=JsonText(agenda_json_body(agenda)),
        published_by_id=access.user.id,
        published_at=now,
    )
    session.add(snapshot)
    session.flush()
    # The row holds the value as stored, read back if asked for (the frozen agenda is what this request uses).
    session.expire(snapshot, ["content"])
    return snapshot, agenda, copy


def _kept_draft(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None
) -> tuple[AgendaKey | None, Agenda | None]:
    """Today's draft of `meeting` if this worker, or the server's shared folder, keeps it for the council's stamp,
    and its key."""
    if cache is None:
        return None, None
    key = AgendaKey(
        meeting_id=meeting.id, live=False, today=today_in(access.council.timezone), stamp=draft_stamp(session, access)
    )
    if (hit := cache.get(key)) is not None:
        return key, hit.agenda
    return key, cache.shared.read(key) if cache.shared is not None else None


def _carry_draft(cache: AgendaCache, key: AgendaKey, draft: Agenda, stamp: str) -> None:
    """Keep the draft kept under `key` under `stamp` as well (revision.carry_over: the commit that replaced the stamp
    wrote only what the draft reads none of), in this worker (its entry moved: the old stamp is read no more, and
    what was derived from the draft stays with it) and in the server's shared folder (its files copied)."""
    carried = dataclasses.replace(key, stamp=stamp)
    entry = cache.pop(key)
    if entry is None or entry.agenda is not draft:
        entry = AgendaEntry(agenda=draft, key=carried)
    cache.put(carried, dataclasses.replace(entry, key=carried))
    if cache.shared is not None:
        cache.shared.carry(key, carried)
