"""The minutes' record (typed every few seconds) replaces the council's minutes_stamp, not its stamp: the agenda,
which reads none of it, stays cached while the secretary types (app/revision.py MINUTES_RECORD)."""

import re

from sqlmodel import Session, select

from app.models import Action, MinutesItem
from app.revision import MINUTES_RECORD, stamp_for
from tests.agendas.test_agenda_api import arrange
from tests.agendas.test_agenda_cache import agenda_queries
from tests.factories import make_action, make_council, make_meeting, make_user
from tests.helpers import auth, count_statements


def both(engine, council_id: int) -> tuple[str, str]:
    with Session(engine) as s:
        return stamp_for(s, council_id), stamp_for(s, council_id, minutes=False)


def test_a_minutes_write_replaces_the_minutes_stamp_alone(engine, session):
    a = make_council(session, name="A", chair=make_user(session))
    b = make_council(session, name="B", chair=make_user(session))
    meeting = make_meeting(session, council=a)
    action = make_action(session, council=a)
    session.commit()
    before_a, before_b = both(engine, a.id), both(engine, b.id)

    with Session(engine) as other:  # a fresh session: the meeting is read to find its council
        other.add(MinutesItem(meeting_id=meeting.id, number=1, notes="Noted"))
        other.commit()
    after = both(engine, a.id)
    assert after[0] != before_a[0]  # what covers everything moved …
    assert after[1] == before_a[1]  # … what leaves the minutes out did not
    assert both(engine, b.id) == before_b

    with Session(engine) as other:  # the minutes and the council's data in one transaction: both move
        item = other.exec(select(MinutesItem).where(MinutesItem.meeting_id == meeting.id)).one()
        item.notes = "Noted again"
        other.add(item)
        found = other.get(Action, action.id)
        found.title = "Renamed"
        other.add(found)
        other.commit()
    again = both(engine, a.id)
    assert again[0] != after[0] and again[1] != after[1]


def test_the_agenda_reads_none_of_the_minutes_record(engine, session):
    *_, meeting = arrange(session)
    tables = [m.__tablename__ for m in MINUTES_RECORD]
    read = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?(' + "|".join(tables) + r')\b"?', re.IGNORECASE)
    for statement in agenda_queries(engine, session, meeting):
        assert not read.search(statement), statement


def test_the_secretary_typing_leaves_the_draft_agenda_cached(app, client, engine, session):
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day")
    session.commit()
    queries = agenda_queries(engine, session, meeting)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    first = client.get(url, headers=headers)
    session.add(MinutesItem(meeting_id=meeting.id, number=1, notes="Typed"))
    session.commit()
    with count_statements(app.state.engine) as sent:
        again = client.get(url, headers=headers)
    assert again.content == first.content and not queries & set(sent)

    make_action(session, council=council, owner=seat, title="Raised while typing")
    session.commit()
    assert "Raised while typing" in client.get(url, headers=headers).text  # the draft is as fresh as ever
