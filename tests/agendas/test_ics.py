"""Calendar files: parsed back with icalendar, as a calendar application would read them."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select

from app.agendas.ics import CalendarEntry, Person, calendar_feed, meeting_uid
from app.agendas.model import SECTION_TITLES
from app.models import Council, Meeting, Role, SiteIdentity
from tests.factories import make_council, make_meeting, make_membership, make_user, token_headers
from tests.helpers import if_match

NAMESPACE = uuid.UUID("6f1c3c1e-8d7b-4c55-9a51-0c7d3f2b9e10")
CHAIR = Person(name="Ann Chair", email="ann@example.com")


def events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def uid(session, meeting: Meeting) -> str:
    """The UID the app minted for `meeting`, from the namespace it stored (read only: the app made the row)."""
    session.expire_all()
    namespace = session.exec(select(SiteIdentity.namespace)).one()
    return f"{uuid.uuid5(uuid.UUID(namespace), f'meeting-{meeting.id}')}@cx-council"


# -- the pure function ----------------------------------------------------------------


def test_a_meeting_keeps_its_local_time_with_the_councils_zone():
    council = Council(id=1, name="Utility council", timezone="Europe/London")
    # 09:00 UTC on 30 March 2026 is 10:00 in London, the day after the clocks go forward.
    meeting = Meeting(
        id=7, council_id=1, number=3, scheduled_at=datetime(2026, 3, 30, 9, tzinfo=UTC), duration_minutes=90, version=4
    )
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    body = calendar_feed(
        council=council,
        entries=[CalendarEntry(meeting=meeting, agenda=None, url="https://council.example.org/meetings/7/agenda")],
        namespace=NAMESPACE,
        organizer=CHAIR,
        stamp=stamp,
    )
    assert b"DTSTART;TZID=Europe/London:20260330T100000" in body
    calendar = Calendar.from_ical(body)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert str(event["uid"]) == f"{uuid.uuid5(NAMESPACE, 'meeting-7')}@cx-council" == meeting_uid(meeting, NAMESPACE)
    assert event["sequence"] == 4
    assert str(event["summary"]) == "Utility council — Meeting 3"
    assert "agenda is circulated once the chair publishes it" in str(event["description"])
    assert calendar["prodid"].startswith("-//CX Council//")


def test_a_utc_council_needs_no_vtimezone():
    council = Council(id=1, name="Global council", timezone="UTC")
    meeting = Meeting(id=1, council_id=1, number=1, scheduled_at=datetime(2031, 1, 1, 15, tzinfo=UTC), version=1)
    body = calendar_feed(
        council=council,
        entries=[CalendarEntry(meeting=meeting, agenda=None, url="http://x/meetings/1/agenda")],
        namespace=NAMESPACE,
        organizer=CHAIR,
        stamp=datetime(2030, 1, 1, tzinfo=UTC),
    )
    (event,) = events(body)
    assert event.decoded("dtstart") == datetime(2031, 1, 1, 15, tzinfo=UTC)
    assert b"DTSTART:20310101T150000Z" in body


def test_a_held_meeting_without_an_agenda_does_not_promise_one():
    """Regression: a past, held meeting still said its agenda would be circulated."""
    council = Council(id=1, name="Utility council", timezone="Europe/London")
    meeting = Meeting(
        id=2, council_id=1, number=2, scheduled_at=datetime(2026, 11, 2, 10, tzinfo=UTC), status="held", version=2
    )
    body = calendar_feed(
        council=council,
        entries=[CalendarEntry(meeting=meeting, agenda=None, url="https://council.example.org/meetings/2/agenda")],
        namespace=NAMESPACE,
        organizer=CHAIR,
        stamp=datetime(2026, 11, 22, tzinfo=UTC),
    )
    (event,) = events(body)
    description = str(event["description"])
    assert "This meeting has been held; no agenda was published for it." in description
    assert "circulated once the chair publishes it" not in description


# -- through the API ------------------------------------------------------------------


@pytest.fixture
def council(session):
    """A council in New York (so UTC and local differ) with a chair and an observer."""
    chair = make_user(session, email="chair@example.com", name="Chair")
    council = make_council(session, name="Utility council, North", chair=chair, timezone="America/New_York")
    make_membership(session, council=council, user=make_user(session, email="observer@example.com"), role=Role.observer)
    session.commit()
    return council


def test_the_invite_carries_the_meeting_and_its_running_order(client, session, council):
    start = datetime(2031, 7, 1, 14, tzinfo=UTC)  # 10:00 in New York (EDT)
    meeting = make_meeting(session, council=council, scheduled_at=start, location="Room 4, Leeds")
    session.commit()
    chair = token_headers(client, "chair@example.com")
    url = f"/api/meetings/{meeting.id}/invite.ics"

    first = client.get(url, headers=chair)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    assert first.headers["content-disposition"] == 'attachment; filename="utility-council-north-2031-07-01.ics"'
    (event,) = events(first.content)
    assert event.decoded("dtstart") == start
    assert event.decoded("dtstart").tzinfo.key == "America/New_York"
    assert event.decoded("dtend") == start + timedelta(minutes=120)
    assert str(event["location"]) == "Room 4, Leeds"
    assert str(event["url"]) == f"http://testserver/meetings/{meeting.id}/agenda"
    description = str(event["description"])
    lines = description.splitlines()
    titles = list(SECTION_TITLES.values())
    for number, title in enumerate(titles, start=1):
        assert any(line.startswith(f"{number}. ") and title in line for line in lines), title
    assert "1. 10:00 Actions from the last meeting (15 min)" in lines
    assert [description.index(t) for t in titles] == sorted(description.index(t) for t in titles)

    second = client.get(url, headers=chair)
    (again,) = events(second.content)
    assert str(again["uid"]) == str(event["uid"]) == uid(session, meeting)
    assert again["sequence"] == event["sequence"] == 1

    # Moving the meeting bumps SEQUENCE, so calendars replace the old entry.
    moved = client.patch(
        f"/api/meetings/{meeting.id}",
        json={"scheduled_at": "2031-07-02T15:00:00+00:00"},
        headers=if_match(client, f"/api/meetings/{meeting.id}", chair),
    )
    assert moved.status_code == 200
    (after,) = events(client.get(url, headers=chair).content)
    assert str(after["uid"]) == str(event["uid"])
    assert after["sequence"] == 2
    assert after.decoded("dtstart") == datetime(2031, 7, 2, 15, tzinfo=UTC)
    assert "1. 11:00 Actions from the last meeting" in str(after["description"])


def test_an_observer_gets_the_running_order_only_once_published(client, session, council):
    meeting = make_meeting(session, council=council)
    session.commit()
    url = f"/api/meetings/{meeting.id}/invite.ics"
    observer = token_headers(client, "observer@example.com")
    (before,) = events(client.get(url, headers=observer).content)
    assert "Actions from the last meeting" not in str(before["description"])
    assert "once the chair publishes it" in str(before["description"])

    chair = token_headers(client, "chair@example.com")
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=chair).status_code == 200
    (after,) = events(client.get(url, headers=observer).content)
    assert "Agenda (published version 1" in str(after["description"])
    assert "9. " in str(after["description"]) and "Any other business" in str(after["description"])


def test_the_feed_holds_every_meeting_with_cancelled_ones_marked(client, session, council):
    tz = ZoneInfo("America/New_York")
    held = make_meeting(session, council=council, scheduled_at=datetime(2026, 1, 6, 10, tzinfo=tz), status="held")
    cancelled = make_meeting(session, council=council, scheduled_at=datetime(2030, 2, 6, 10, tzinfo=tz))
    upcoming = make_meeting(session, council=council, scheduled_at=datetime(2031, 3, 6, 10, tzinfo=tz))
    elsewhere = make_meeting(session, council=make_council(session))
    session.commit()
    chair = token_headers(client, "chair@example.com")
    assert (
        client.patch(
            f"/api/meetings/{cancelled.id}",
            json={"status": "cancelled"},
            headers=if_match(client, f"/api/meetings/{cancelled.id}", chair),
        ).status_code
        == 200
    )

    response = client.get(f"/api/councils/{council.id}/calendar.ics", headers=chair)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert 'filename="utility-council-north-meetings.ics"' in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Utility council, North meetings"
    by_uid = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(by_uid) == {uid(session, m) for m in (held, cancelled, upcoming)}
    assert uid(session, elsewhere) not in by_uid
    assert str(by_uid[uid(session, cancelled)]["status"]) == "CANCELLED"
    assert by_uid[uid(session, cancelled)]["sequence"] == 2
    assert str(by_uid[uid(session, upcoming)]["status"]) == "CONFIRMED"
    # The upcoming meeting's draft running order; the past one, never published, carries none.
    assert "Actions from the last meeting" in str(by_uid[uid(session, upcoming)]["description"])
    assert "Actions from the last meeting" not in str(by_uid[uid(session, held)]["description"])
    # One VTIMEZONE whose transitions reach from the first meeting to the last.
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    for meeting in (held, upcoming):
        event = by_uid[uid(session, meeting)]
        assert event.decoded("dtstart") == meeting.scheduled_at

    observer = token_headers(client, "observer@example.com")
    observed = events(client.get(f"/api/councils/{council.id}/calendar.ics", headers=observer).content)
    assert len(observed) == 3
    assert all("Actions from the last meeting" not in str(e["description"]) for e in observed)
