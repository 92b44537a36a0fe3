"""Rescheduling, renaming and cancelling a meeting (API and pages), what every calendar then says, the lock
once its minutes are approved, and the state a meeting shows by the clock."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from sqlmodel import Session

from app.meetings.state import MeetingState, has_started, is_upcoming, meeting_state
from app.models import Council, Meeting, Minutes, Role, User
from tests.factories import make_council, make_meeting, make_membership, make_user
from tests.helpers import auth, if_match
from tests.kept import kept
from tests.web.test_pages import csrf_from, sign_in

LONDON = ZoneInfo("Europe/London")
START = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)


@dataclass
class World:
    council: Council
    chair: User
    secretary: User
    member: User
    meeting: Meeting

    @property
    def url(self) -> str:
        return f"/api/meetings/{self.meeting.id}"


@pytest.fixture
def world(session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(session))


def _build_world(session: Session) -> World:
    """A council in London with a chair, a secretary and a member, and meeting 1 on 4 March 2031 at 10:00."""
    chair = make_user(session, email="chair@example.com", name="Helen Carter")
    council = make_council(session, chair=chair, timezone="Europe/London", name="Utility council")
    secretary = make_user(session, email="secretary@example.com", name="Sam Okafor")
    member = make_user(session, email="member@example.com", name="Aisha Rahman")
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    make_membership(session, council=council, user=member, role=Role.member)
    meeting = make_meeting(session, council=council, scheduled_at=START, location="Board room")
    session.commit()
    return World(council=council, chair=chair, secretary=secretary, member=member, meeting=meeting)


def vevents(content: bytes) -> dict[str, "vobject.base.Component"]:
    """The events of an iCalendar file read by vobject (not the library we write with), by UID."""
    calendar = vobject.readOne(content.decode())
    return {event.uid.value: event for event in calendar.vevent_list}


def invite_event(client, world: World, headers: dict) -> "vobject.base.Component":
    (event,) = vevents(client.get(f"{world.url}/invite.ics", headers=headers).content).values()
    return event


def feed_events(client, world: World, headers: dict) -> dict[str, "vobject.base.Component"]:
    return vevents(client.get(f"/api/councils/{world.council.id}/calendar.ics", headers=headers).content)


def patch(client, world: World, headers: dict, body: dict):
    return client.patch(world.url, json=body, headers=if_match(client, world.url, headers))


def described(event) -> str:
    """Everything an event says about itself in words (the title may be in the summary or the description)."""
    return f"{event.summary.value}\n{event.description.value}"


# -- through the API, with the invite and the feed after each change -------------------


def test_move_rename_relocate_and_cancel_update_the_invite_and_the_feed_in_place(app, client, world):
    headers = auth(app, world.chair)
    before = invite_event(client, world, headers)
    uid, sequence = before.uid.value, int(before.sequence.value)
    assert feed_events(client, world, headers).keys() == {uid}

    moved = START + timedelta(days=7, hours=4)
    assert patch(client, world, headers, {"scheduled_at": moved.isoformat()}).status_code == 200
    for event in (invite_event(client, world, headers), feed_events(client, world, headers)[uid]):
        assert event.dtstart.value == moved.astimezone(LONDON)
        assert event.dtend.value == moved.astimezone(LONDON) + timedelta(minutes=120)
        assert int(event.sequence.value) > sequence
    sequence = int(invite_event(client, world, headers).sequence.value)

    assert patch(client, world, headers, {"title": "Budget council"}).status_code == 200
    for event in (invite_event(client, world, headers), feed_events(client, world, headers)[uid]):
        assert "Budget council" in described(event)
        assert int(event.sequence.value) > sequence
    sequence = int(invite_event(client, world, headers).sequence.value)

    assert patch(client, world, headers, {"location": "Teams"}).status_code == 200
    for event in (invite_event(client, world, headers), feed_events(client, world, headers)[uid]):
        assert event.location.value == "Teams"
        assert int(event.sequence.value) > sequence
    sequence = int(invite_event(client, world, headers).sequence.value)

    response = patch(client, world, headers, {"status": "cancelled", "cancel_reason": "Storm on the network"})
    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "Storm on the network"
    assert response.json()["state"] == "cancelled"
    for event in (invite_event(client, world, headers), feed_events(client, world, headers)[uid]):
        assert event.status.value == "CANCELLED"
        assert int(event.sequence.value) > sequence
        assert "This meeting has been cancelled: Storm on the network" in event.description.value
    # Still one event with the same UID everywhere: the calendar replaces, never duplicates.
    assert feed_events(client, world, headers).keys() == {uid}


def test_the_secretary_may_change_a_meeting_a_member_may_not(app, client, world):
    assert patch(client, world, auth(app, world.secretary), {"location": "Room 2"}).status_code == 200
    response = patch(client, world, auth(app, world.member), {"location": "Room 3"})
    assert response.status_code == 403
    assert client.get(world.url, headers=auth(app, world.chair)).json()["location"] == "Room 2"


def test_a_reason_without_cancelling_is_refused_by_name(app, client, world):
    response = patch(client, world, auth(app, world.chair), {"cancel_reason": "Because"})
    assert response.status_code == 422
    assert "cancel_reason" in response.text


def test_reinstating_a_cancelled_meeting_clears_its_reason(app, client, world):
    headers = auth(app, world.chair)
    patch(client, world, headers, {"status": "cancelled", "cancel_reason": "No quorum"})
    body = patch(client, world, headers, {"status": "scheduled"}).json()
    assert (body["status"], body["cancel_reason"], body["cancelled_at"]) == ("scheduled", "", None)
    assert invite_event(client, world, headers).status.value == "CONFIRMED"


def test_a_meeting_is_marked_held_only_once_it_has_started(app, client, world):
    response = patch(client, world, auth(app, world.chair), {"status": "held"})
    assert response.status_code == 409
    assert "has not started" in response.json()["detail"]
    # Recording a meeting that in fact took place earlier: moved to its real time and marked held at once.
    held = START.replace(year=2026, month=1)
    response = patch(client, world, auth(app, world.chair), {"status": "held", "scheduled_at": held.isoformat()})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["state"]) == ("held", "held")


# -- locked once the minutes are approved ------------------------------------------------


def approve(session: Session, meeting: Meeting, when: datetime) -> None:
    session.add(Minutes(meeting_id=meeting.id, status="approved", approved_at=when, agenda_version=1))
    session.commit()


@pytest.mark.parametrize(
    "body",
    [
        {"scheduled_at": "2031-03-05T10:00:00+00:00"},
        {"duration_minutes": 60},
        {"title": "Renamed"},
        {"location": "Elsewhere"},
        {"status": "cancelled"},
    ],
    ids=["date", "duration", "title", "location", "status"],
)
def test_approved_minutes_lock_the_meeting_with_a_409_naming_why(app, client, session, world, body):
    approve(session, world.meeting, datetime(2031, 3, 12, 12, tzinfo=UTC))
    headers = auth(app, world.chair)

    response = patch(client, world, headers, body)

    assert response.status_code == 409
    assert response.json()["detail"].startswith("The minutes of Meeting 1 were approved on 12 March 2031;")
    stored = client.get(world.url, headers=headers).json()
    assert (stored["scheduled_at"], stored["title"], stored["location"], stored["status"]) == (
        "2031-03-04T10:00:00Z",
        "Meeting 1",
        "Board room",
        "scheduled",
    )


def test_the_agenda_page_offers_no_change_form_once_approved_and_says_why(client, session, world):
    approve(session, world.meeting, datetime(2031, 3, 12, 12, tzinfo=UTC))
    sign_in(client, email="chair@example.com")
    page = client.get(f"/meetings/{world.meeting.id}/agenda").text
    assert "were approved on 12 March 2031" in page
    assert f'action="/meetings/{world.meeting.id}/change"' not in page
    assert f'action="/meetings/{world.meeting.id}/cancel"' not in page
    # And a form posted anyway (an old tab) changes nothing.
    token = csrf_from(page)
    client.post(f"/meetings/{world.meeting.id}/cancel", data={"csrf_token": token, "reason": "x"})
    session.expire_all()
    assert session.get(Meeting, world.meeting.id).status == "scheduled"


# -- through the pages -----------------------------------------------------------------


def post_meeting_form(client, world: World, action: str, **fields):
    page = client.get(f"/meetings/{world.meeting.id}/agenda").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "version": version, **fields}
    return client.post(f"/meetings/{world.meeting.id}/{action}", data=data, follow_redirects=True)


def test_the_chair_moves_renames_and_cancels_from_the_agenda_page(app, client, session, world):
    sign_in(client, email="chair@example.com")
    uid = invite_event(client, world, auth(app, world.chair)).uid.value

    page = post_meeting_form(
        client,
        world,
        "change",
        scheduled_at="2031-04-01T14:30",  # London summer time: 13:30 UTC
        duration_minutes="90",
        title="Spring council",
        location="Leeds HQ",
    ).text
    assert "Meeting saved" in page
    session.expire_all()
    meeting = session.get(Meeting, world.meeting.id)
    assert meeting.scheduled_at == datetime(2031, 4, 1, 13, 30, tzinfo=UTC)
    assert (meeting.duration_minutes, meeting.title, meeting.location) == (90, "Spring council", "Leeds HQ")
    event = invite_event(client, world, auth(app, world.chair))
    assert event.uid.value == uid
    assert event.dtstart.value == datetime(2031, 4, 1, 14, 30, tzinfo=LONDON)

    page = post_meeting_form(client, world, "cancel", reason="Too few members free").text
    assert "Meeting 1 cancelled" in page
    assert "Reason: Too few members free" in page
    assert f'action="/meetings/{world.meeting.id}/reinstate"' in page
    council_page = client.get(f"/councils/{world.council.id}").text
    assert "Too few members free" in council_page
    assert "Cancelled" in council_page  # still listed, marked so
    assert feed_events(client, world, auth(app, world.chair))[uid].status.value == "CANCELLED"

    page = post_meeting_form(client, world, "reinstate").text
    assert "Meeting 1 is on again" in page
    session.expire_all()
    assert session.get(Meeting, world.meeting.id).status == "scheduled"


def test_a_bad_date_on_the_page_is_named_and_nothing_changes(client, session, world):
    sign_in(client, email="chair@example.com")
    page = post_meeting_form(client, world, "change", scheduled_at="next Tuesday", duration_minutes="120").text
    assert "scheduled_at" in page or "Starts" in page
    session.expire_all()
    assert session.get(Meeting, world.meeting.id).scheduled_at == START


def test_a_stale_page_form_changes_nothing_and_says_so(app, client, session, world):
    sign_in(client, email="chair@example.com")
    page = client.get(f"/meetings/{world.meeting.id}/agenda").text
    patch(client, world, auth(app, world.chair), {"location": "Room 9"})  # someone else, meanwhile
    response = client.post(
        f"/meetings/{world.meeting.id}/change",
        data={"csrf_token": csrf_from(page), "version": "1", "scheduled_at": "2031-03-04T10:00", "location": "X"},
        follow_redirects=True,
    )
    assert "changed by someone else" in response.text
    session.expire_all()
    assert session.get(Meeting, world.meeting.id).location == "Room 9"


def test_members_get_no_change_forms(client, world):
    sign_in(client, email="member@example.com")
    page = client.get(f"/meetings/{world.meeting.id}/agenda").text
    assert f'action="/meetings/{world.meeting.id}/change"' not in page
    response = client.post(
        f"/meetings/{world.meeting.id}/cancel",
        data={"csrf_token": csrf_from(page), "reason": "x"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    said = client.get(response.headers["location"]).text
    assert "Only the council&#39;s chair or secretary can change meetings." in said
    assert client.get(f"/api/meetings/{world.meeting.id}").json()["status"] == "scheduled"


# -- the clock -----------------------------------------------------------------------------


def test_state_follows_the_clock_scheduled_in_progress_held(world):
    meeting = world.meeting  # 10:00–12:00 UTC on 4 March 2031
    assert meeting_state(meeting, START - timedelta(minutes=1)) == MeetingState.scheduled
    assert meeting_state(meeting, START) == MeetingState.in_progress
    assert meeting_state(meeting, START + timedelta(minutes=119)) == MeetingState.in_progress
    assert meeting_state(meeting, START + timedelta(minutes=120)) == MeetingState.held
    assert not has_started(meeting, START - timedelta(seconds=1)) and has_started(meeting, START)
    assert is_upcoming(meeting, START + timedelta(minutes=60))
    assert not is_upcoming(meeting, START + timedelta(hours=3))
    meeting.status = "cancelled"
    assert meeting_state(meeting, START - timedelta(days=1)) == MeetingState.cancelled
    assert not is_upcoming(meeting, START - timedelta(days=1))


def test_a_meeting_that_has_ended_is_not_listed_as_upcoming(client, session, world):
    ended = make_meeting(
        session, council=world.council, scheduled_at=datetime.now(UTC) - timedelta(hours=3), title="Ended today"
    )
    now_on = make_meeting(
        session, council=world.council, scheduled_at=datetime.now(UTC) - timedelta(minutes=30), title="Under way"
    )
    session.commit()
    sign_in(client, email="chair@example.com")
    page = client.get(f"/councils/{world.council.id}").text
    upcoming, past = page.split("Past meetings", 1)
    assert "Under way" in upcoming and "In progress" in upcoming
    assert "Ended today" not in upcoming
    assert f"/meetings/{ended.id}/agenda" in past
    # The navigation's "Department reports" goes to the meeting under way, not the one that ended.
    assert f'href="/meetings/{now_on.id}/reports"' in page


def test_a_published_agenda_says_when_the_meeting_moved_after_it(app, client, world):
    headers = auth(app, world.chair)
    assert client.post(f"{world.url}/agenda/publish", headers=headers).status_code == 200
    sign_in(client, email="chair@example.com")
    assert "Changed since this agenda was published" not in client.get(f"/meetings/{world.meeting.id}/agenda").text

    patch(client, world, headers, {"scheduled_at": "2031-03-11T10:00:00+00:00"})

    page = client.get(f"/meetings/{world.meeting.id}/agenda").text
    assert "Changed since this agenda was published" in page
    assert "Tuesday 11 March 2031, 10:00" in page
    assert "Republish the agenda so its times match." in page
