"""invite.ics as a meeting request people can answer, and UIDs that outlive the site's address.

Every file is read back by two readers: icalendar (which writes them) and vobject, an
independent implementation, so a file only one library understands would fail here.
"""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, delete, select

from app.agendas.calendar import organizer
from app.agendas.ics import CalendarEntry, Person, Seat, calendar_feed, meeting_request, meeting_summary
from app.db import make_engine
from app.main import create_app
from app.migrate import upgrade
from app.models import Council, Meeting, Role, SiteIdentity
from tests.factories import make_council, make_meeting, make_membership, make_user
from tests.helpers import auth, if_match

NAMESPACE = uuid.UUID("0b4a3a52-41d4-4c0e-8f0b-2f3f5d1c9a77")
STAMP = datetime(2026, 11, 30, tzinfo=UTC)


def read_both(body: bytes):
    """(icalendar's VCALENDAR, vobject's VCALENDAR) for one file."""
    return Calendar.from_ical(body), vobject.readOne(body.decode())


def attendees(vevent) -> dict[str, dict[str, str]]:
    """vobject's ATTENDEEs by address, each parameter with its one value."""
    return {a.value: {k: v[0] for k, v in a.params.items()} for a in vevent.contents.get("attendee", [])}


# -- the pure functions ----------------------------------------------------------------


def test_the_title_names_the_council_the_meeting_and_its_number():
    council = Council(id=1, name="Utility council", timezone="Europe/London")
    titled = Meeting(id=1, council_id=1, number=4, title="Journey owner spotlight", scheduled_at=STAMP)
    untitled = Meeting(id=2, council_id=1, number=5, title="", scheduled_at=STAMP)
    default = Meeting(id=3, council_id=1, number=6, title="Meeting 6", scheduled_at=STAMP)
    assert meeting_summary(council, titled) == "Utility council — Journey owner spotlight (Meeting 4)"
    assert meeting_summary(council, untitled) == "Utility council — Meeting 5"
    assert meeting_summary(council, default) == "Utility council — Meeting 6"


def _feed_for(timezone: str, starts: list[datetime]) -> bytes:
    council = Council(id=1, name="Utility council", timezone=timezone)
    entries = [
        CalendarEntry(
            meeting=Meeting(id=n, council_id=1, number=n, scheduled_at=start, version=1, updated_at=STAMP),
            agenda=None,
            url=f"https://x/meetings/{n}/agenda",
        )
        for n, start in enumerate(starts, start=1)
    ]
    return calendar_feed(
        council=council, entries=entries, namespace=NAMESPACE, organizer=Person("A", "a@example.com"), stamp=STAMP
    )


def _offsets_from_the_file(body: bytes, starts: list[datetime]) -> None:
    """vobject turns the file's own VTIMEZONE into a tzinfo (it does not look the name up)."""
    ours, theirs = read_both(body)
    assert len(ours.walk("VTIMEZONE")) == 1
    from_file = theirs.vtimezone.gettzinfo()
    for start in starts:
        assert start.replace(tzinfo=None).replace(tzinfo=from_file).utcoffset() == start.utcoffset(), start
    assert [e.dtstart.value.astimezone(UTC) for e in theirs.vevent_list] == [s.astimezone(UTC) for s in starts]


def test_the_time_zone_block_covers_every_meeting_in_the_file_whatever_its_year():
    """The block once listed a few years of transitions and said so in a COMMENT ("only
    works from 2025 to 2029"); a 2031 summer meeting then read as winter time."""
    london = ZoneInfo("Europe/London")
    starts = [
        datetime(2024, 1, 8, 10, tzinfo=london),
        datetime(2024, 7, 8, 10, tzinfo=london),
        datetime(2031, 7, 14, 10, tzinfo=london),
        datetime(2031, 12, 8, 10, tzinfo=london),
    ]
    body = _feed_for("Europe/London", starts)
    assert b"COMMENT" not in body and b"only works" not in body
    _offsets_from_the_file(body, starts)
    # The form Outlook reads (it mishandles RDATE): one STANDARD and one DAYLIGHT, each a yearly rule.
    (zone,) = Calendar.from_ical(body).walk("VTIMEZONE")
    rules = {o.name: o["RRULE"].to_ical().decode() for o in zone.subcomponents}
    assert rules == {"DAYLIGHT": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "STANDARD": "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"}
    assert b"RDATE" not in body


def test_a_zone_whose_rules_changed_keeps_its_exact_dates():
    """Brazil stopped daylight saving after February 2019: no yearly rule may run past it."""
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    starts = [datetime(2018, 12, 3, 10, tzinfo=sao_paulo), datetime(2020, 12, 7, 10, tzinfo=sao_paulo)]
    assert starts[0].utcoffset() != starts[1].utcoffset()
    body = _feed_for("America/Sao_Paulo", starts)
    _offsets_from_the_file(body, starts)
    assert b"RRULE" not in body
    assert b"RDATE:20180218T000000\r\nRDATE:20190217T000000\r\n" in body  # one a line


def test_each_seat_is_an_attendee_with_its_role_and_answer():
    council = Council(id=1, name="Utility council", timezone="Europe/London")
    meeting = Meeting(id=9, council_id=1, number=2, scheduled_at=STAMP + timedelta(days=9), version=3, updated_at=STAMP)
    chair = Person("Ann Chair", "ann@example.com")
    seats = [
        Seat(membership_id=1, role=Role.chair, person=chair),
        Seat(membership_id=2, role=Role.secretary, person=Person("Sam Secretary", "sam@example.com")),
        Seat(membership_id=3, role=Role.member, person=Person("Mo, Member", "mo@example.com")),
        Seat(membership_id=4, role=Role.member, person=Person("Del Egate", "del@example.com")),
        Seat(membership_id=5, role=Role.observer, person=Person("Obi Observer", "obi@example.com")),
    ]
    body = meeting_request(
        council=council,
        entry=CalendarEntry(meeting=meeting, agenda=None, url="https://x/meetings/9/agenda"),
        namespace=NAMESPACE,
        organizer=chair,
        seats=seats,
        stamp=STAMP,
        answers={1: "ACCEPTED", 3: "DECLINED", 4: "DELEGATED"},
    )
    ours, theirs = read_both(body)
    assert str(ours["method"]) == theirs.method.value == "REQUEST"
    assert theirs.vevent.organizer.value == "mailto:ann@example.com"
    assert theirs.vevent.organizer.params["CN"] == ["Ann Chair"]
    assert attendees(theirs.vevent) == {
        "mailto:ann@example.com": {
            "CN": "Ann Chair", "CUTYPE": "INDIVIDUAL", "ROLE": "CHAIR", "PARTSTAT": "ACCEPTED", "RSVP": "TRUE"
        },
        "mailto:sam@example.com": {
            "CN": "Sam Secretary", "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE",
        },
        "mailto:mo@example.com": {
            "CN": "Mo, Member", "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "DECLINED",
            "RSVP": "TRUE",
        },
        "mailto:del@example.com": {
            "CN": "Del Egate", "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "DELEGATED",
            "RSVP": "TRUE",
        },
        "mailto:obi@example.com": {
            "CN": "Obi Observer", "CUTYPE": "INDIVIDUAL", "ROLE": "OPT-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE",
        },
    }  # fmt: skip
    (event,) = ours.walk("VEVENT")
    assert [str(a) for a in event["attendee"]][2] == "mailto:mo@example.com"
    assert event["attendee"][2].params["CN"] == "Mo, Member"
    with pytest.raises(ValueError):  # an answer calendars would not understand is a bug, not a file
        meeting_request(
            council=council,
            entry=CalendarEntry(meeting=meeting, agenda=None, url="https://x/"),
            namespace=NAMESPACE,
            organizer=chair,
            seats=seats,
            stamp=STAMP,
            answers={2: "MAYBE"},
        )


def test_without_a_chair_the_site_sender_organizes():
    member = Seat(membership_id=1, role=Role.member, person=Person("Mo", "mo@example.com"))
    assert organizer(seats=[member], mail_from="CX Council <council@example.org>") == Person(
        "CX Council", "council@example.org"
    )
    assert organizer(seats=[member], mail_from="council@example.org") == Person("CX Council", "council@example.org")
    chair = Seat(membership_id=2, role=Role.chair, person=Person("Ann", "ann@example.com"))
    assert organizer(seats=[member, chair], mail_from="council@example.org") == Person("Ann", "ann@example.com")


# -- through the API ------------------------------------------------------------------


@pytest.fixture
def council(session):
    chair = make_user(session, email="ann@example.com", name="Ann Chair")
    council = make_council(session, name="Utility council", chair=chair, timezone="Europe/London")
    make_membership(
        session, council=council, user=make_user(session, email="sam@example.com", name="Sam"), role="secretary"
    )
    make_membership(session, council=council, user=make_user(session, email="mo@example.com", name="Mo"))
    make_membership(
        session, council=council, user=make_user(session, email="obi@example.com", name="Obi"), role="observer"
    )
    gone = make_user(session, email="gone@example.com", name="Gone", is_active=False)
    make_membership(session, council=council, user=gone)
    session.commit()
    return council


def user(session, email: str):
    from app.models import User

    return session.exec(select(User).where(User.email == email)).one()


def test_an_invite_is_a_request_until_the_meeting_is_cancelled(client, app, session, council):
    meeting = make_meeting(
        session, council=council, title="Journey owner spotlight", scheduled_at=datetime(2031, 3, 10, 10, tzinfo=UTC)
    )
    session.commit()
    member = auth(app, user(session, "mo@example.com"))
    url = f"/api/meetings/{meeting.id}/invite.ics"

    ours, theirs = read_both(client.get(url, headers=member).content)
    assert theirs.method.value == "REQUEST"
    event = theirs.vevent
    assert event.summary.value == "Utility council — Journey owner spotlight (Meeting 1)"
    assert event.organizer.value == "mailto:ann@example.com" and event.organizer.params["CN"] == ["Ann Chair"]
    seats = attendees(event)
    assert {a: p["ROLE"] for a, p in seats.items()} == {
        "mailto:ann@example.com": "CHAIR",
        "mailto:sam@example.com": "REQ-PARTICIPANT",
        "mailto:mo@example.com": "REQ-PARTICIPANT",
        "mailto:obi@example.com": "OPT-PARTICIPANT",
    }  # the inactive account is not invited
    assert all(p["RSVP"] == "TRUE" and p["PARTSTAT"] == "NEEDS-ACTION" for p in seats.values())
    uid, sequence = event.uid.value, int(event.sequence.value)

    chair = auth(app, user(session, "ann@example.com"))
    cancelled = client.patch(
        f"/api/meetings/{meeting.id}",
        json={"status": "cancelled"},
        headers=if_match(client, f"/api/meetings/{meeting.id}", chair),
    )
    assert cancelled.status_code == 200
    ours, theirs = read_both(client.get(url, headers=member).content)
    assert str(ours["method"]) == theirs.method.value == "CANCEL"
    assert theirs.vevent.status.value == "CANCELLED"
    assert theirs.vevent.uid.value == uid
    assert int(theirs.vevent.sequence.value) > sequence
    assert set(attendees(theirs.vevent)) == set(seats)

    # A subscribed feed publishes: the same event, cancelled, with no one to answer.
    ours, theirs = read_both(client.get(f"/api/councils/{council.id}/calendar.ics", headers=member).content)
    assert theirs.method.value == "PUBLISH"
    (published,) = theirs.vevent_list
    assert (published.uid.value, published.status.value) == (uid, "CANCELLED")
    assert int(published.sequence.value) > sequence
    assert published.organizer.value == "mailto:ann@example.com"
    assert "attendee" not in published.contents


def _uids(client: TestClient, headers: dict, council_id: int, meeting_id: int) -> tuple[str, set[str], str]:
    """(invite UID, feed UIDs, the invite's URL) as one app serves them."""
    invite = vobject.readOne(client.get(f"/api/meetings/{meeting_id}/invite.ics", headers=headers).text).vevent
    feed = vobject.readOne(client.get(f"/api/councils/{council_id}/calendar.ics", headers=headers).text)
    return invite.uid.value, {e.uid.value for e in feed.vevent_list}, invite.url.value


def test_uids_do_not_change_when_the_sites_address_does(settings, session, council):
    meeting = make_meeting(session, council=council)
    session.commit()
    seen = []
    for base_url in ("https://council.example.org", "https://cx.example.com/council"):
        app = create_app(settings.model_copy(update={"BASE_URL": base_url}))
        try:
            with TestClient(app) as client:
                seen.append(_uids(client, auth(app, user(session, "mo@example.com")), council.id, meeting.id))
        finally:
            app.state.engine.dispose()
    (invite_a, feed_a, url_a), (invite_b, feed_b, url_b) = seen
    assert url_a.startswith("https://council.example.org/") and url_b.startswith("https://cx.example.com/council/")
    assert invite_a == invite_b and feed_a == feed_b == {invite_a}
    assert invite_a.endswith("@cx-council") and "example" not in invite_a


def test_two_databases_on_one_host_mint_different_uids(settings, session, council, make_database):
    """Same host, same meeting id: the namespace is each database's own (made when it was migrated)."""
    meeting = make_meeting(session, council=council)
    session.commit()
    other_url = make_database(migrated=False)
    upgrade(other_url)  # its own first start; the test databases are copies of one template
    engine = make_engine(other_url)
    try:
        with Session(engine, expire_on_commit=False) as other:
            chair = make_user(other, email="ann@example.com", name="Ann Chair")
            other_council = make_council(other, name="Utility council", chair=chair)
            other_meeting = make_meeting(other, council=other_council)
            other.commit()
        assert other_meeting.id == meeting.id
        uids = []
        for url, person, council_id in (
            (settings.DATABASE_URL, user(session, "ann@example.com"), council.id),
            (other_url, chair, other_council.id),
        ):
            app = create_app(settings.model_copy(update={"DATABASE_URL": url}))
            try:
                with TestClient(app) as client:
                    uids.append(_uids(client, auth(app, person), council_id, meeting.id)[0])
            finally:
                app.state.engine.dispose()
        first, second = uids
        assert first != second
    finally:
        engine.dispose()


def test_a_meeting_keeps_the_uid_calendars_held_before(client, app, session, council):
    kept = make_meeting(session, council=council)
    kept.ical_uid = "meeting-41@council.example.org"
    fresh = make_meeting(session, council=council)
    session.commit()
    member = auth(app, user(session, "mo@example.com"))
    invite, feed, _ = _uids(client, member, council.id, kept.id)
    assert invite == "meeting-41@council.example.org"
    assert feed == {"meeting-41@council.example.org", _uids(client, member, council.id, fresh.id)[0]}


def test_the_namespace_is_made_at_first_use_when_the_database_has_none(client, app, session, council):
    session.exec(delete(SiteIdentity))
    session.commit()
    meeting = make_meeting(session, council=council)
    session.commit()
    member = auth(app, user(session, "mo@example.com"))
    first = _uids(client, member, council.id, meeting.id)[0]
    assert _uids(client, member, council.id, meeting.id)[0] == first
    session.expire_all()
    (row,) = session.exec(select(SiteIdentity)).all()
    assert first == f"{uuid.uuid5(uuid.UUID(row.namespace), f'meeting-{meeting.id}')}@cx-council"
