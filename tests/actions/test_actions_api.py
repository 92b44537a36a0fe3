"""The action log through the JSON API: creating, rules on updates, history, filters."""

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from app.common import MAX_ID, today_in
from app.models import Action, ActionEvent, Council, Department, Initiative, Membership, Role, User
from tests.factories import (
    make_action,
    make_action_update,
    make_council,
    make_department,
    make_meeting,
    make_membership,
    make_user,
)
from tests.helpers import auth, if_match
from tests.kept import kept


def error_fields(response) -> set[str]:
    """The field names a 422 points at (the last part of each `loc`)."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


@dataclass
class World:
    """One council (Europe/London) with a seat of every kind, each signed in."""

    council: Council
    department: Department
    chair: Membership
    secretary: Membership
    owner: Membership
    member: Membership
    observer: Membership
    signed_in: dict[int, dict[str, str]]

    def headers(self, seat: Membership, *, if_match: str | None = None) -> dict[str, str]:
        """The seat's bearer header, and an If-Match when given."""
        extra = {"If-Match": if_match} if if_match is not None else {}
        return {**self.signed_in[seat.id], **extra}


@pytest.fixture
def world(app, session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(app, session))


def _build_world(app, session: Session) -> World:
    council = make_council(session, timezone="Europe/London")
    department = make_department(session, council=council, name="Billing")
    seats = {
        "chair": make_membership(session, council=council, role=Role.chair),
        "secretary": make_membership(session, council=council, role=Role.secretary),
        # The owner of most actions below sits for a department; the other member does not.
        "owner": make_membership(session, council=council, role=Role.member, department=department),
        "member": make_membership(session, council=council, role=Role.member),
        "observer": make_membership(session, council=council, role=Role.observer),
    }
    session.commit()
    signed_in = {seat.id: auth(app, session.get(User, seat.user_id)) for seat in seats.values()}
    return World(council=council, department=department, signed_in=signed_in, **seats)


def today() -> date:
    return today_in("Europe/London")


def actions_url(council: Council) -> str:
    return f"/api/councils/{council.id}/actions"


def stored(session: Session, action_id: int) -> Action | None:
    session.expire_all()
    return session.get(Action, action_id)


def history_rows(session: Session, action_id: int) -> list[ActionEvent]:
    session.expire_all()
    return list(
        session.exec(select(ActionEvent).where(ActionEvent.action_id == action_id).order_by(col(ActionEvent.id)))
    )


def all_actions(session: Session) -> list[Action]:
    session.expire_all()
    return list(session.exec(select(Action)))


def snapshot(action: Action) -> dict:
    return action.model_dump(exclude={"updated_at"})


# -- creating -------------------------------------------------------------------------


def test_secretary_creates_an_action(client, session, world):
    due = today() + timedelta(days=10)

    response = client.post(
        actions_url(world.council),
        json={
            "title": "  Call the regulator  ",
            "owner_id": world.owner.id,
            "due_on": due.isoformat(),
        },
        headers=world.headers(world.secretary),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Call the regulator"
    assert body["owner_id"] == world.owner.id
    # Not given: the owner's department.
    assert body["department_id"] == world.department.id
    assert body["department_name"] == "Billing"
    assert (body["status"], body["overdue"], body["days_overdue"], body["closed_at"]) == (
        "open",
        False,
        0,
        None,
    )
    assert response.headers["ETag"] == f'"{body["version"]}"'

    action = stored(session, body["id"])
    assert (action.council_id, action.owner_id, action.department_id, action.due_on) == (
        world.council.id,
        world.owner.id,
        world.department.id,
        due,
    )
    history = client.get(f"/api/actions/{body['id']}/history", headers=world.headers(world.secretary)).json()
    assert history["count"] == 1
    assert history["data"][0]["kind"] == "created"
    assert history["data"][0]["user_id"] == world.secretary.user_id


def test_an_explicit_department_beats_the_owners(client, session, world):
    other_department = make_department(session, council=world.council, name="Metering")
    session.commit()

    response = client.post(
        actions_url(world.council),
        json={
            "title": "Read meters",
            "owner_id": world.owner.id,
            "department_id": other_department.id,
            "due_on": "2031-01-01",
        },
        headers=world.headers(world.chair),
    )

    assert response.status_code == 201
    assert response.json()["department_id"] == other_department.id


def test_creating_a_done_action_closes_it(client, world):
    response = client.post(
        actions_url(world.council),
        json={
            "title": "Already done",
            "owner_id": world.owner.id,
            "due_on": "2031-01-01",
            "status": "done",
        },
        headers=world.headers(world.secretary),
    )

    assert response.status_code == 201
    assert response.json()["closed_at"] is not None


def test_owner_from_another_council_is_refused(client, session, world):
    other = make_council(session)
    foreign_seat = make_membership(session, council=other)
    session.commit()

    response = client.post(
        actions_url(world.council),
        json={"title": "Call back", "owner_id": foreign_seat.id, "due_on": "2031-01-01"},
        headers=world.headers(world.secretary),
    )

    assert response.status_code == 422
    assert error_fields(response) == {"owner_id"}
    assert all_actions(session) == []


def test_department_of_another_council_is_refused(client, session, world):
    foreign_department = make_department(session, council=make_council(session))
    session.commit()

    response = client.post(
        actions_url(world.council),
        json={
            "title": "Call back",
            "owner_id": world.owner.id,
            "department_id": foreign_department.id,
            "due_on": "2031-01-01",
        },
        headers=world.headers(world.secretary),
    )

    assert response.status_code == 422
    assert error_fields(response) == {"department_id"}
    assert all_actions(session) == []


def test_meeting_of_another_council_is_refused(client, session, world):
    foreign_meeting = make_meeting(session, council=make_council(session))
    session.commit()

    response = client.post(
        actions_url(world.council),
        json={
            "title": "Call back",
            "owner_id": world.owner.id,
            "raised_at_meeting_id": foreign_meeting.id,
            "due_on": "2031-01-01",
        },
        headers=world.headers(world.secretary),
    )

    assert response.status_code == 422
    assert error_fields(response) == {"raised_at_meeting_id"}
    assert all_actions(session) == []


def test_links_to_another_councils_records_are_refused_in_plain_words(client, session, world):
    """Regression: the message read "Initiative 7 is not a initiative of this council"."""
    other = make_council(session)
    foreign_initiative = Initiative(council_id=other.id, title="Elsewhere")
    session.add(foreign_initiative)
    session.commit()
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()

    response = client.patch(
        f"/api/actions/{action.id}",
        json={"initiative_id": foreign_initiative.id},
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.chair)),
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "initiative_id"]
    assert response.json()["detail"][0]["msg"] == (
        f"Initiative {foreign_initiative.id} is not an initiative of this council."
    )
    assert stored(session, action.id).initiative_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner_id": MAX_ID + 1}, "owner_id"),
        ({"owner_id": "1"}, "owner_id"),
        ({"due_on": "31/12/2026"}, "due_on"),
        ({"status": "finished"}, "status"),
        ({"title": "   "}, "title"),
        ({"priority": "high"}, "priority"),
    ],
    ids=[
        "huge-owner",
        "owner-as-text",
        "uk-date",
        "unknown-status",
        "blank-title",
        "unknown-field",
    ],
)
def test_bad_create_bodies_are_refused(client, session, world, body, field):
    valid = {"title": "Call back", "owner_id": world.owner.id, "due_on": "2031-01-01"}

    response = client.post(actions_url(world.council), json={**valid, **body}, headers=world.headers(world.secretary))

    assert response.status_code == 422
    assert error_fields(response) == {field}
    assert all_actions(session) == []


@pytest.mark.parametrize("who", ["owner", "member", "observer"])
def test_only_chair_and_secretary_create_actions(client, session, world, who):
    response = client.post(
        actions_url(world.council),
        json={"title": "Call back", "owner_id": world.owner.id, "due_on": "2031-01-01"},
        headers=world.headers(getattr(world, who)),
    )

    assert response.status_code == 403
    assert all_actions(session) == []


# -- overdue --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "overdue", "days"),
    [
        ("open", True, 1),
        ("in_progress", True, 1),
        ("blocked", True, 1),
        ("done", False, 0),
        ("cancelled", False, 0),
    ],
)
def test_overdue_means_past_due_and_not_closed(client, session, world, status, overdue, days):
    action = make_action(
        session,
        council=world.council,
        owner=world.owner,
        due_on=today() - timedelta(days=1),
        status=status,
    )
    session.commit()

    body = client.get(f"/api/actions/{action.id}", headers=world.headers(world.owner)).json()

    assert (body["overdue"], body["days_overdue"]) == (overdue, days)


def test_due_today_is_not_overdue_and_days_count_up(client, session, world):
    due_today = make_action(session, council=world.council, owner=world.owner, due_on=today())
    long_ago = make_action(session, council=world.council, owner=world.owner, due_on=today() - timedelta(days=30))
    session.commit()
    headers = world.headers(world.owner)

    assert client.get(f"/api/actions/{due_today.id}", headers=headers).json()["overdue"] is False
    assert client.get(f"/api/actions/{long_ago.id}", headers=headers).json()["days_overdue"] == 30


# -- the owner updates ----------------------------------------------------------------


def test_owner_marks_their_action_done_and_reopens_it(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    url = f"/api/actions/{action.id}"
    headers = world.headers(world.owner)
    etag = client.get(url, headers=headers).headers["ETag"]
    version = action.version

    done = client.patch(url, json={"status": "done"}, headers={**headers, "If-Match": etag})

    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["closed_at"] is not None
    assert done.json()["version"] == version + 1
    assert done.headers["ETag"] != etag
    assert done.headers["ETag"] == f'"{done.json()["version"]}"'
    saved = stored(session, action.id)
    assert (saved.status, saved.closed_at is not None, saved.version) == ("done", True, version + 1)
    history = client.get(f"{url}/history", headers=headers).json()["data"]
    assert history[-1]["kind"] == "updated"
    # Done means finished: progress goes to 100% with it.
    assert history[-1]["changes"] == [
        {"field": "status", "old": "open", "new": "done"},
        {"field": "percent_complete", "old": 0, "new": 100},
    ]
    assert history[-1]["user_id"] == world.owner.user_id
    assert history[-1]["user_name"] == session.get(User, world.owner.user_id).name

    reopened = client.patch(url, json={"status": "in_progress"}, headers={**headers, "If-Match": done.headers["ETag"]})

    assert reopened.status_code == 200
    assert reopened.json()["closed_at"] is None
    assert stored(session, action.id).closed_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Mine now"},
        {"status": "done", "title": "Mine now"},
        {"owner_id": None},
        {"department_id": None},
    ],
    ids=["title", "status-and-title", "owner", "department"],
)
def test_owner_cannot_change_other_fields(client, session, world, body):
    action = make_action(session, council=world.council, owner=world.owner, title="Original")
    session.commit()
    before = snapshot(stored(session, action.id))

    response = client.patch(
        f"/api/actions/{action.id}",
        json=body,
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.owner)),
    )

    assert response.status_code == 403
    assert snapshot(stored(session, action.id)) == before
    assert history_rows(session, action.id) == []


def test_a_member_who_is_not_the_owner_cannot_update(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    before = snapshot(stored(session, action.id))

    response = client.patch(
        f"/api/actions/{action.id}",
        json={"status": "done"},
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.member)),
    )

    assert response.status_code == 403
    assert snapshot(stored(session, action.id)) == before
    assert history_rows(session, action.id) == []


def test_moving_the_due_date_needs_a_note(client, session, world):
    due = today() + timedelta(days=7)
    action = make_action(session, council=world.council, owner=world.owner, due_on=due)
    session.commit()
    url = f"/api/actions/{action.id}"
    later = due + timedelta(days=14)

    refused = client.patch(
        url, json={"due_on": later.isoformat()}, headers=if_match(client, url, world.headers(world.owner))
    )

    assert refused.status_code == 422
    assert error_fields(refused) == {"note"}
    assert stored(session, action.id).due_on == due
    assert history_rows(session, action.id) == []

    accepted = client.patch(
        url,
        json={"due_on": later.isoformat(), "note": "Supplier delayed"},
        headers=if_match(client, url, world.headers(world.owner)),
    )

    assert accepted.status_code == 200
    assert accepted.json()["due_on"] == later.isoformat()
    assert stored(session, action.id).due_on == later
    entry = client.get(f"{url}/history", headers=world.headers(world.owner)).json()["data"][-1]
    assert entry["note"] == "Supplier delayed"
    assert entry["changes"] == [{"field": "due_on", "old": due.isoformat(), "new": later.isoformat()}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"due_on": "31/12/2026", "note": "moved"}, "due_on"),
        ({"note": "x" * 2001}, "note"),
        ({"status": None}, "status"),
        ({"owner_id": MAX_ID + 1}, "owner_id"),
        ({"colour": "red"}, "colour"),
    ],
    ids=["unknown-status", "uk-date", "long-note", "null-status", "huge-owner", "unknown-field"],
)
def test_bad_updates_are_refused_and_change_nothing(client, session, world, body, field):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    before = snapshot(stored(session, action.id))

    response = client.patch(
        f"/api/actions/{action.id}",
        json=body,
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.chair)),
    )

    assert response.status_code == 422
    assert error_fields(response) == {field}
    assert snapshot(stored(session, action.id)) == before
    assert history_rows(session, action.id) == []


def test_a_note_of_2000_characters_is_accepted(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()

    response = client.patch(
        f"/api/actions/{action.id}",
        json={"note": "x" * 2000},
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.owner)),
    )

    assert response.status_code == 200
    assert history_rows(session, action.id)[-1].note == "x" * 2000


def test_stale_if_match_is_refused_and_records_nothing(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    url = f"/api/actions/{action.id}"
    stale = client.get(url, headers=world.headers(world.chair)).headers["ETag"]
    assert (
        client.patch(url, json={"title": "Renamed"}, headers=world.headers(world.chair, if_match=stale)).status_code
        == 200
    )
    before = snapshot(stored(session, action.id))
    history_before = len(history_rows(session, action.id))

    response = client.patch(
        url,
        json={"status": "done", "note": "Done"},
        headers=world.headers(world.owner, if_match=stale),
    )

    assert response.status_code == 412
    assert snapshot(stored(session, action.id)) == before
    assert len(history_rows(session, action.id)) == history_before


def test_a_note_alone_is_recorded_as_a_note(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    url = f"/api/actions/{action.id}"

    response = client.patch(
        url, json={"note": "Chased the supplier"}, headers=if_match(client, url, world.headers(world.owner))
    )

    assert response.status_code == 200
    entries = client.get(f"{url}/history", headers=world.headers(world.owner)).json()["data"]
    assert [(e["kind"], e["changes"], e["note"], e["user_id"]) for e in entries] == [
        ("note", [], "Chased the supplier", world.owner.user_id)
    ]
    assert stored(session, action.id).status == "open"


def test_an_empty_patch_changes_nothing(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    before = snapshot(stored(session, action.id))
    etag = f'"{action.version}"'

    response = client.patch(f"/api/actions/{action.id}", json={}, headers=world.headers(world.chair, if_match=etag))

    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    assert snapshot(stored(session, action.id)) == before
    assert history_rows(session, action.id) == []


def test_sending_the_current_values_changes_nothing(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner, title="Same")
    session.commit()
    before = snapshot(stored(session, action.id))

    response = client.patch(
        f"/api/actions/{action.id}",
        json={"title": "Same", "status": "open", "due_on": action.due_on.isoformat()},
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.chair)),
    )

    assert response.status_code == 200
    assert snapshot(stored(session, action.id)) == before
    assert history_rows(session, action.id) == []


def test_chair_reassigns_to_a_seat_of_another_council_is_refused(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    foreign_seat = make_membership(session, council=make_council(session))
    session.commit()

    response = client.patch(
        f"/api/actions/{action.id}",
        json={"owner_id": foreign_seat.id},
        headers=if_match(client, f"/api/actions/{action.id}", world.headers(world.chair)),
    )

    assert response.status_code == 422
    assert error_fields(response) == {"owner_id"}
    assert stored(session, action.id).owner_id == world.owner.id


def test_two_writers_with_the_same_if_match_one_wins(app, session, world):
    from fastapi.testclient import TestClient

    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()
    url = f"/api/actions/{action.id}"
    version = action.version
    etag = f'"{version}"'
    writers = [
        (world.headers(world.owner, if_match=etag), {"status": "done"}),
        (world.headers(world.chair, if_match=etag), {"title": "Renamed by the chair"}),
    ]
    statuses: list[int] = []
    start = threading.Barrier(len(writers))

    with TestClient(app) as client:

        def write(headers, body):
            start.wait()
            statuses.append(client.patch(url, json=body, headers=headers).status_code)

        threads = [threading.Thread(target=write, args=w) for w in writers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(statuses) == [200, 412]
    saved = stored(session, action.id)
    assert saved.version == version + 1
    # Exactly one of the two writes landed, with exactly one history row.
    assert (saved.status == "done") != (saved.title == "Renamed by the chair")
    assert len(history_rows(session, action.id)) == 1


# -- listing --------------------------------------------------------------------------


@pytest.fixture
def log(session: Session, world: World) -> dict[str, int]:
    """Ids of five actions (by nickname), created out of date order, and of their meeting
    ("meeting") and second department ("metering")."""
    other_department = make_department(session, council=world.council, name="Metering")
    meeting = make_meeting(session, council=world.council)
    t = today()
    actions = {
        "late_open": make_action(session, council=world.council, owner=world.owner, due_on=t - timedelta(days=3)),
        "future": make_action(
            session,
            council=world.council,
            owner=world.member,
            due_on=t + timedelta(days=20),
            raised_at=meeting,
        ),
        "late_done": make_action(
            session,
            council=world.council,
            owner=world.owner,
            due_on=t - timedelta(days=5),
            status="done",
        ),
        "observers": make_action(
            session,
            council=world.council,
            owner=world.observer,
            due_on=t + timedelta(days=2),
            department=other_department,
            raised_at=meeting,
        ),
        "late_blocked": make_action(
            session,
            council=world.council,
            owner=world.member,
            due_on=t - timedelta(days=1),
            status="blocked",
        ),
    }
    # Another council's action never shows.
    make_action(session, council=make_council(session), due_on=t - timedelta(days=4))
    session.commit()
    return {
        **{name: action.id for name, action in actions.items()},
        "meeting": meeting.id,
        "metering": other_department.id,
    }


def listed(client, world: World, seat: Membership | None = None, **params) -> list[int]:
    response = client.get(actions_url(world.council), params=params, headers=world.headers(seat or world.chair))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return [a["id"] for a in body["data"]]


def ids(log: dict[str, int], *names: str) -> list[int]:
    return [log[name] for name in names]


def test_list_puts_open_actions_first_overdue_leading_and_closed_ones_last(client, world, log):
    # The done action is the most overdue by date, yet it no longer heads the log.
    assert listed(client, world) == ids(log, "late_open", "late_blocked", "observers", "future", "late_done")


def test_list_filters(client, world, log):
    assert listed(client, world, status="done") == ids(log, "late_done")
    assert listed(client, world, status="blocked") == ids(log, "late_blocked")
    assert listed(client, world, owner_id=world.member.id) == ids(log, "late_blocked", "future")
    assert listed(client, world, department_id=world.department.id) == ids(log, "late_open", "late_done")
    assert listed(client, world, department_id=log["metering"]) == ids(log, "observers")
    assert listed(client, world, overdue="true") == ids(log, "late_open", "late_blocked")
    assert listed(client, world, overdue="false") == ids(log, "observers", "future", "late_done")
    assert listed(client, world, raised_at_meeting_id=log["meeting"]) == ids(log, "observers", "future")
    assert listed(client, world, owner_id=world.owner.id, overdue="true") == ids(log, "late_open")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"owner_id": MAX_ID + 1}, "owner_id"),
        ({"overdue": "maybe"}, "overdue"),
    ],
    ids=["unknown-status", "huge-owner", "not-a-bool"],
)
def test_bad_list_filters_are_refused(client, world, params, field):
    response = client.get(actions_url(world.council), params=params, headers=world.headers(world.chair))

    assert response.status_code == 422
    assert error_fields(response) == {field}


def test_an_observer_sees_only_their_own_actions(client, world, log):
    assert listed(client, world, world.observer) == ids(log, "observers")
    assert listed(client, world, world.observer, owner_id=world.member.id) == []
    assert client.get(f"/api/actions/{log['future']}", headers=world.headers(world.observer)).status_code == 404


def test_a_member_sees_the_whole_log(client, world, log):
    assert len(listed(client, world, world.member)) == 5


def test_a_non_member_sees_nothing(app, client, session, world, log):
    outsider = make_user(session)
    session.commit()
    headers = auth(app, outsider)

    assert client.get(actions_url(world.council), headers=headers).status_code == 404
    assert client.get(f"/api/actions/{log['future']}", headers=headers).status_code == 404


# -- deleting -------------------------------------------------------------------------


def test_chair_deleting_an_action_with_history_archives_it_and_keeps_the_history(client, session, world):
    action = make_action(session, council=world.council, owner=world.owner)
    make_action_update(session, action=action, note="first")
    make_action_update(session, action=action, changes={"status": ["open", "blocked"]})
    keep = make_action(session, council=world.council, owner=world.owner)
    make_action_update(session, action=keep, note="stays")
    session.commit()

    action_id, keep_id = action.id, keep.id

    response = client.delete(f"/api/actions/{action_id}", headers=world.headers(world.chair))

    assert response.status_code == 204
    assert [row.note for row in history_rows(session, action_id)][:2] == ["first", ""]
    assert len(history_rows(session, action_id)) == 3  # and the archiving itself
    assert len(history_rows(session, keep_id)) == 1
    assert client.get(f"/api/actions/{action_id}", headers=world.headers(world.chair)).json()["archived_at"]
    listed = client.get(actions_url(world.council), headers=world.headers(world.chair)).json()["data"]
    assert [a["id"] for a in listed] == [keep_id]


@pytest.mark.parametrize("who", ["secretary", "owner"])
def test_only_the_chair_deletes(client, session, world, who):
    action = make_action(session, council=world.council, owner=world.owner)
    session.commit()

    response = client.delete(f"/api/actions/{action.id}", headers=world.headers(getattr(world, who)))

    assert response.status_code == 403
    assert stored(session, action.id) is not None


def test_an_observer_cannot_update_even_their_own_action(client, world, log):
    url = f"/api/actions/{log['observers']}"
    before = client.get(url, headers=world.headers(world.observer)).json()

    response = client.patch(url, json={"status": "done"}, headers=if_match(client, url, world.headers(world.observer)))

    assert response.status_code == 403
    assert client.get(url, headers=world.headers(world.observer)).json()["status"] == before["status"]
