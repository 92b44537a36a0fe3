"""The minutes follow the meeting's clock: not circulated or approved before it starts, due dates counted
from its day, overdue days as of its day (on the page, in the API and in the Word minutes)."""

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from docx2python import docx2python

from app.display import long_date
from app.minutes.pages import DEFAULT_DUE_DAYS
from app.models import Minutes
from tests.factories import make_action, make_meeting
from tests.helpers import if_match
from tests.minutes.test_minutes_api import arrange, as_
from tests.web.test_pages import csrf_from, sign_in

LONDON = ZoneInfo("Europe/London")


def minutes_url(meeting, tail: str = "") -> str:
    return f"/api/meetings/{meeting.id}/minutes{tail}"


def circulate(client, meeting, headers):
    return client.post(
        minutes_url(meeting, "/circulate"),
        headers=if_match(client, minutes_url(meeting, "/circulate"), headers, read=minutes_url(meeting)),
    )


def test_minutes_cannot_be_circulated_before_the_meeting_starts(app, client, session):
    w = arrange(session)  # w.upcoming starts in 30 days
    secretary = as_(app, w, "secretary")
    # Preparing the draft ahead is allowed: secretaries do.
    made = client.post(
        f"/api/meetings/{w.upcoming.id}/decisions", headers=secretary, json={"item_number": 5, "text": "Prepared"}
    )
    assert made.status_code == 201

    response = circulate(client, w.upcoming, secretary)

    assert response.status_code == 409
    start = w.upcoming.scheduled_at.astimezone(LONDON)
    assert response.json()["detail"] == (
        f"Meeting {w.upcoming.number} starts on {long_date(start)} at {start:%H:%M}; "
        "minutes can be circulated and approved once it has started."
    )
    assert client.get(minutes_url(w.upcoming), headers=secretary).json()["status"] == "draft"
    assert client.get(f"/api/meetings/{w.upcoming.id}", headers=secretary).json()["status"] == "scheduled"


def test_minutes_cannot_be_approved_before_the_meeting_starts(app, client, session):
    w = arrange(session)
    session.add(Minutes(meeting_id=w.upcoming.id, status="circulated", circulated_at=datetime.now(UTC)))
    session.commit()
    chair = as_(app, w, "chair")
    response = client.post(
        minutes_url(w.upcoming, "/approve"),
        headers=if_match(client, minutes_url(w.upcoming, "/approve"), chair, read=minutes_url(w.upcoming)),
    )
    assert response.status_code == 409
    assert "minutes can be circulated and approved once it has started" in response.json()["detail"]
    assert client.get(minutes_url(w.upcoming), headers=chair).json()["status"] == "circulated"


def test_minutes_are_circulated_and_approved_once_the_meeting_has_started(app, client, session):
    w = arrange(session)  # w.meeting started an hour ago
    assert circulate(client, w.meeting, as_(app, w, "secretary")).status_code == 200
    chair = as_(app, w, "chair")
    approved = client.post(
        minutes_url(w.meeting, "/approve"),
        headers=if_match(client, minutes_url(w.meeting, "/approve"), chair, read=minutes_url(w.meeting)),
        json={"reason": "Read at the meeting: no need to wait for the correction window."},
    )
    assert approved.status_code == 200


def test_the_minutes_page_offers_no_circulate_button_before_the_start_and_says_when(client, session):
    w = arrange(session)
    sign_in(client, email="secretary@example.com")
    page = client.get(f"/meetings/{w.upcoming.id}/minutes").text
    start = w.upcoming.scheduled_at.astimezone(LONDON)
    assert f"starts on {long_date(start)} at {start:%H:%M}" in page
    assert f'action="/meetings/{w.upcoming.id}/minutes/circulate"' not in page
    assert "Scheduled" in page  # the state tag in the header
    # A form posted anyway (an old tab) is refused with the same words.
    refused = client.post(
        f"/meetings/{w.upcoming.id}/minutes/circulate", data={"csrf_token": csrf_from(page)}, follow_redirects=True
    )
    assert f"starts on {long_date(start)}" in refused.text
    started = client.get(f"/meetings/{w.meeting.id}/minutes").text
    assert f'action="/meetings/{w.meeting.id}/minutes/circulate"' in started
    assert "In progress" in started


def test_a_new_actions_default_due_date_counts_from_the_meetings_day(client, session):
    w = arrange(session)
    sign_in(client, email="secretary@example.com")
    page = client.get(f"/meetings/{w.upcoming.id}/minutes").text
    day = w.upcoming.scheduled_at.astimezone(LONDON).date()
    assert f'name="due_on" value="{(day + timedelta(days=DEFAULT_DUE_DAYS)).isoformat()}" min="{day}"' in page


def test_overdue_days_are_counted_as_of_the_meetings_day(app, client, session):
    """A meeting held 20 days ago, an action that was 5 days late on its day: 5 days overdue in its minutes
    however late they are opened or exported (it is 25 days late today)."""
    w = arrange(session)
    held_on = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    past = make_meeting(session, council=w.council, scheduled_at=held_on)
    meeting_day = held_on.astimezone(LONDON).date()
    late = make_action(
        session,
        council=w.council,
        owner=w.seats["ben"],
        title="Share no-access reasons weekly",
        due_on=meeting_day - timedelta(days=5),
    )
    session.commit()
    chair = as_(app, w, "chair")

    doc = client.get(minutes_url(past), headers=chair).json()
    (row,) = [a for a in doc["open_actions"] if a["id"] == late.id]
    assert (row["overdue"], row["days_overdue"]) == (True, 5)

    word = client.get(f"/api/meetings/{past.id}/minutes.docx", headers=chair)
    assert word.status_code == 200
    text = docx2python(io.BytesIO(word.content)).text
    assert "5 days overdue" in text
    assert "25 days overdue" not in text


def test_an_action_due_after_the_meeting_is_not_overdue_in_its_minutes(app, client, session):
    w = arrange(session)
    future = w.upcoming
    make_action(
        session,
        council=w.council,
        owner=w.seats["ben"],
        title="Due before the meeting",
        due_on=date.today() + timedelta(days=10),
    )
    soon = make_action(
        session, council=w.council, owner=w.seats["ben"], title="Due after it", due_on=date.today() + timedelta(days=40)
    )
    session.commit()
    doc = client.get(minutes_url(future), headers=as_(app, w, "chair")).json()
    by_title = {a["title"]: a for a in doc["open_actions"]}
    # As of the meeting's day (in 30 days) the first is 20 days late; the second is not late at all.
    assert by_title["Due before the meeting"]["days_overdue"] == 20
    assert by_title[soon.title]["overdue"] is False
