"""Meetings through the JSON API: numbering, times, validation, versions and deletion."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app.common import MAX_ID
from app.models import Council, Meeting, User
from tests.factories import make_council, make_meeting, make_membership, make_user
from tests.helpers import auth, if_match


def error_fields(response) -> set[str]:
    """The field names a 422 points at (the last part of each `loc`)."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


@dataclass
class Seat:
    council: Council
    chair: User
    headers: dict[str, str]


@pytest.fixture
def seat(app, session: Session) -> Seat:
    """A council (Europe/London) whose chair is signed in."""
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone="Europe/London")
    session.commit()
    return Seat(council=council, chair=chair, headers=auth(app, chair))


def meetings_url(council: Council) -> str:
    return f"/api/councils/{council.id}/meetings"


def stored(session: Session, meeting_id: int) -> Meeting | None:
    session.expire_all()
    return session.get(Meeting, meeting_id)


# -- numbering and times --------------------------------------------------------------


def test_meetings_are_numbered_one_two_three_within_each_council(app, client, session, seat):
    other = make_council(session, chair=seat.chair)
    session.commit()

    numbers = [
        client.post(
            meetings_url(seat.council),
            json={"scheduled_at": f"2031-0{m}-04T10:00:00+00:00"},
            headers=seat.headers,
        )
        for m in (1, 2, 3)
    ]
    first_of_other = client.post(
        meetings_url(other),
        json={"scheduled_at": "2031-05-04T10:00:00+00:00"},
        headers=seat.headers,
    )

    assert [r.status_code for r in numbers] == [201, 201, 201]
    assert [r.json()["number"] for r in numbers] == [1, 2, 3]
    assert first_of_other.status_code == 201
    assert first_of_other.json()["number"] == 1


def test_naive_scheduled_at_is_refused(client, seat):
    response = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-03-04T10:00:00"},
        headers=seat.headers,
    )

    assert response.status_code == 422
    assert error_fields(response) == {"scheduled_at"}


@pytest.mark.parametrize("duration", [0, 721, "abc", True], ids=["zero", "721", "text", "true"])
def test_bad_duration_is_refused(client, session, seat, duration):
    response = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-03-04T10:00:00+00:00", "duration_minutes": duration},
        headers=seat.headers,
    )

    assert response.status_code == 422
    assert error_fields(response) == {"duration_minutes"}
    assert session.exec(select(Meeting)).all() == []


def test_unknown_field_is_refused(client, session, seat):
    response = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-03-04T10:00:00+00:00", "venue": "Room 1"},
        headers=seat.headers,
    )

    assert response.status_code == 422
    assert error_fields(response) == {"venue"}
    assert session.exec(select(Meeting)).all() == []


def test_local_start_is_in_the_council_time_zone(client, seat):
    response = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-07-01T09:00:00Z", "duration_minutes": 90},
        headers=seat.headers,
    )

    assert response.status_code == 201
    body = response.json()
    assert datetime.fromisoformat(body["scheduled_at"]) == datetime(2031, 7, 1, 9, 0, tzinfo=UTC)
    # London is on BST in July: 09:00 UTC is 10:00 local.
    assert body["local_start"] == "2031-07-01T10:00:00+01:00"
    assert datetime.fromisoformat(body["ends_at"]) == datetime(2031, 7, 1, 10, 30, tzinfo=UTC)

    fetched = client.get(f"/api/meetings/{body['id']}", headers=seat.headers).json()
    assert fetched["local_start"] == "2031-07-01T10:00:00+01:00"


def test_local_start_follows_another_time_zone(app, client, session):
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone="America/New_York")
    session.commit()

    response = client.post(
        meetings_url(council),
        json={"scheduled_at": "2031-01-15T15:00:00+00:00"},
        headers=auth(app, chair),
    )

    assert response.status_code == 201
    assert response.json()["local_start"] == "2031-01-15T10:00:00-05:00"


# -- reading, versions and If-Match ---------------------------------------------------


def test_get_returns_an_etag(client, session, seat):
    meeting = make_meeting(session, council=seat.council)
    session.commit()

    response = client.get(f"/api/meetings/{meeting.id}", headers=seat.headers)

    assert response.status_code == 200
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'


def test_patch_with_stale_if_match_is_refused_and_changes_nothing(client, session, seat):
    meeting = make_meeting(session, council=seat.council, location="Room 1")
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    stale = client.get(url, headers=seat.headers).headers["ETag"]
    assert client.patch(url, json={"title": "Moved"}, headers={**seat.headers, "If-Match": stale}).status_code == 200
    after_first = stored(session, meeting.id)
    version, title = after_first.version, after_first.title

    response = client.patch(url, json={"location": "Room 9"}, headers={**seat.headers, "If-Match": stale})

    assert response.status_code == 412
    again = stored(session, meeting.id)
    assert (again.location, again.title, again.version) == ("Room 1", title, version)


def test_patch_with_current_if_match_succeeds_with_a_new_etag(client, session, seat):
    meeting = make_meeting(session, council=seat.council, location="Room 1")
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    etag = client.get(url, headers=seat.headers).headers["ETag"]

    response = client.patch(url, json={"location": "Room 2"}, headers={**seat.headers, "If-Match": etag})

    assert response.status_code == 200
    assert response.json()["location"] == "Room 2"
    assert response.headers["ETag"] != etag
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    assert stored(session, meeting.id).location == "Room 2"
    assert client.get(url, headers=seat.headers).headers["ETag"] == response.headers["ETag"]


def test_patch_refuses_a_bad_duration_and_keeps_the_meeting(client, session, seat):
    meeting = make_meeting(session, council=seat.council, duration_minutes=60)
    session.commit()

    response = client.patch(
        f"/api/meetings/{meeting.id}",
        json={"duration_minutes": 721},
        headers=if_match(client, f"/api/meetings/{meeting.id}", seat.headers),
    )

    assert response.status_code == 422
    assert error_fields(response) == {"duration_minutes"}
    assert stored(session, meeting.id).duration_minutes == 60


# -- deleting -------------------------------------------------------------------------


def test_a_held_meeting_cannot_be_deleted(client, session, seat):
    meeting = make_meeting(session, council=seat.council, scheduled_at=datetime.now(UTC) - timedelta(days=1))
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    assert client.patch(url, json={"status": "held"}, headers=if_match(client, url, seat.headers)).status_code == 200

    response = client.delete(url, headers=seat.headers)

    assert response.status_code == 409
    assert stored(session, meeting.id) is not None
    assert client.get(url, headers=seat.headers).json()["status"] == "held"


def test_a_held_meeting_stays_held(client, session, seat):
    meeting = make_meeting(session, council=seat.council, scheduled_at=datetime.now(UTC) - timedelta(days=1))
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    assert client.patch(url, json={"status": "held"}, headers=if_match(client, url, seat.headers)).status_code == 200

    response = client.patch(url, json={"status": "scheduled"}, headers=if_match(client, url, seat.headers))

    assert response.status_code == 409
    assert client.delete(url, headers=seat.headers).status_code == 409
    assert stored(session, meeting.id).status == "held"


def test_an_empty_or_unchanged_patch_keeps_the_version(client, session, seat):
    meeting = make_meeting(session, council=seat.council, duration_minutes=60)
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    etag = client.get(url, headers=seat.headers).headers["ETag"]

    assert client.patch(url, json={}, headers=if_match(client, url, seat.headers)).headers["ETag"] == etag
    assert (
        client.patch(url, json={"duration_minutes": 60}, headers=if_match(client, url, seat.headers)).headers["ETag"]
        == etag
    )
    nulled = client.patch(url, json={"scheduled_at": None}, headers=if_match(client, url, seat.headers))
    assert nulled.status_code == 422 and error_fields(nulled) == {"scheduled_at"}
    assert client.get(url, headers=seat.headers).headers["ETag"] == etag


def test_a_scheduled_meeting_can_be_deleted(client, session, seat):
    meeting = make_meeting(session, council=seat.council)
    session.commit()

    response = client.delete(f"/api/meetings/{meeting.id}", headers=seat.headers)

    assert response.status_code == 204
    assert stored(session, meeting.id) is None


# -- who sees what, and ids -----------------------------------------------------------


def test_a_meeting_of_another_council_is_not_found_for_a_non_member(app, client, session, seat):
    outsider = make_user(session)
    make_council(session, chair=outsider)
    meeting = make_meeting(session, council=seat.council, location="Room 1")
    session.commit()
    headers = auth(app, outsider)
    url = f"/api/meetings/{meeting.id}"

    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"location": "Room 9"}, headers={**headers, "If-Match": '"1"'}).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    assert stored(session, meeting.id).location == "Room 1"


def test_a_member_cannot_change_a_meeting(app, client, session, seat):
    member = make_membership(session, council=seat.council)
    meeting = make_meeting(session, council=seat.council, location="Room 1")
    session.commit()
    member_user = session.get(User, member.user_id)

    response = client.patch(
        f"/api/meetings/{meeting.id}",
        json={"location": "Room 9"},
        headers=if_match(client, f"/api/meetings/{meeting.id}", auth(app, member_user)),
    )

    assert response.status_code == 403
    assert stored(session, meeting.id).location == "Room 1"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("meeting_id", [MAX_ID + 1, 2**63, 0])
def test_out_of_range_meeting_ids_are_refused(client, seat, method, meeting_id):
    kwargs = {"json": {"location": "Room 2"}} if method == "PATCH" else {}
    # With If-Match (a write without it would name that header too): the address alone is wrong.
    headers = {**seat.headers, "If-Match": '"1"'} if method == "PATCH" else seat.headers

    response = client.request(method, f"/api/meetings/{meeting_id}", headers=headers, **kwargs)

    assert response.status_code == 422
    assert error_fields(response) == {"meeting_id"}


def test_out_of_range_council_id_is_refused(client, seat):
    response = client.get(f"/api/councils/{MAX_ID + 1}/meetings", headers=seat.headers)

    assert response.status_code == 422
    assert error_fields(response) == {"council_id"}


def test_the_largest_id_is_simply_not_found(client, seat):
    assert client.get(f"/api/meetings/{MAX_ID}", headers=seat.headers).status_code == 404


# -- listing --------------------------------------------------------------------------


def test_list_is_in_date_order(client, session, seat):
    base = datetime(2031, 3, 4, 10, 0, tzinfo=UTC)
    # Scheduled out of order: numbers follow scheduling, the list follows the calendar.
    later = make_meeting(session, council=seat.council, scheduled_at=base + timedelta(days=60))
    earliest = make_meeting(session, council=seat.council, scheduled_at=base)
    middle = make_meeting(session, council=seat.council, scheduled_at=base + timedelta(days=30))
    other = make_council(session)
    make_meeting(session, council=other, scheduled_at=base + timedelta(days=1))
    session.commit()

    response = client.get(meetings_url(seat.council), headers=seat.headers)

    assert response.status_code == 200
    body = response.json()
    assert [m["id"] for m in body["data"]] == [earliest.id, middle.id, later.id]
    assert body["count"] == 3


def test_list_orders_by_instant_across_offsets(client, seat):
    # 09:30 at +02:00 is 07:30 UTC, before 08:00 UTC though its wall-clock time is later.
    late_wall_clock = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-06-01T09:30:00+02:00"},
        headers=seat.headers,
    ).json()
    early_wall_clock = client.post(
        meetings_url(seat.council),
        json={"scheduled_at": "2031-06-01T08:00:00+00:00"},
        headers=seat.headers,
    ).json()

    listed = client.get(meetings_url(seat.council), headers=seat.headers).json()["data"]

    assert [m["id"] for m in listed] == [late_wall_clock["id"], early_wall_clock["id"]]


# -- implausible dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheduled_at",
    ["9999-12-31T23:00:00+00:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "2206-03-01T10:00:00Z"],
    ids=["ends-after-9999", "utc-after-9999", "utc-before-year-1", "typo-year-2206"],
)
def test_a_start_outside_the_representable_range_is_refused(app, session, seat, scheduled_at):
    from fastapi.testclient import TestClient

    client = TestClient(app, raise_server_exceptions=False)

    response = client.post(meetings_url(seat.council), json={"scheduled_at": scheduled_at}, headers=seat.headers)

    assert response.status_code == 422, f"{response.status_code} {response.text}"
    assert error_fields(response) == {"scheduled_at"}
    assert session.exec(select(Meeting)).all() == []
