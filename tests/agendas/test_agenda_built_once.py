"""Readers arriving together at a cold agenda: one build in the worker, the others wait for it and share it."""

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.agendas import service as agenda_service
from app.agendas.cache import AgendaCache
from app.auth import load_access
from app.models import Meeting, User
from tests.factories import make_council, make_meeting, make_user


def test_readers_of_the_same_cold_agenda_share_one_build(engine, session, monkeypatch):
    chair = make_user(session)
    council = make_council(session, chair=chair, name="Utility council")
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    other = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=36))
    session.commit()
    ids = {"user": chair.id, "council": council.id}
    cache = AgendaCache()
    built: list[int] = []
    real = agenda_service._agenda

    def slow_build(**kw):
        built.append(kw["meeting"].id)
        time.sleep(0.3)  # long enough for every reader to arrive while the first builds
        return real(**kw)

    monkeypatch.setattr(agenda_service, "_agenda", slow_build)
    read: list[object] = []
    failed: list[BaseException] = []

    def reader(meeting_id: int) -> None:
        try:
            with Session(engine) as own:
                access = load_access(session=own, user=own.get(User, ids["user"]), council_id=ids["council"])
                entry = agenda_service.agenda_entry(
                    session=own, access=access, meeting=own.get(Meeting, meeting_id), cache=cache
                )
                read.append(entry)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failed.append(exc)

    readers = [threading.Thread(target=reader, args=(meeting.id,)) for _ in range(4)]
    readers.append(threading.Thread(target=reader, args=(other.id,)))
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join(timeout=60)
    assert not failed
    # One build per meeting: the four readers of the first share it, the other meeting's is built beside it.
    assert sorted(built) == sorted([meeting.id, other.id])
    firsts = [entry for entry in read if entry.key.meeting_id == meeting.id]
    assert len(firsts) == 4 and all(entry is firsts[0] for entry in firsts)
    assert len(read) == 5
