"""PATCH /api/actions/{id}, the commonest write: what it answers is what a fresh read shows, it leaves one
history row and a new stamp for its own council only, a write from a version someone else replaced meanwhile is
refused, and it sends a bounded number of statements."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.actions import service
from app.actions.schemas import ActionUpdate
from app.models import Action, ActionEvent, Council, Role, User
from app.revision import stamps
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, count_statements, error_fields, if_match

# The sign-in with the action, its seat and names; the action's UPDATE, its history row and the council's stamp
# (one statement on PostgreSQL; on SQLite two, and the stamp at commit).
MOST_STATEMENTS_PER_PATCH = {"postgresql": 2, "sqlite": 4}


def _arrange(session: Session, *, approval: bool = False):
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone="Asia/Tokyo")
    billing = make_department(session, council=council, name="Billing")
    metering = make_department(session, council=council, name="Metering")
    owner = make_membership(session, council=council, role=Role.member, department=billing)
    other = make_membership(session, council=council, role=Role.member, department=metering)
    meeting = make_meeting(session, council=council)
    action = make_action(session, council=council, owner=owner)
    council.due_moves_need_approval = approval
    session.add(council)
    session.commit()
    return council, chair, owner, other, metering, meeting, action


def _fresh(client, url: str, headers: dict) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_each_kind_of_write_answers_what_a_fresh_read_shows(app, client, session):
    council, chair, owner, other, metering, meeting, action = _arrange(session, approval=True)
    url = f"/api/actions/{action.id}"
    owner_headers = auth(app, session.get(User, owner.user_id))
    chair_headers = auth(app, chair)
    due = (action.due_on + timedelta(days=7)).isoformat()
    # (who, what, whether the action itself changes: a due date waiting for the chair does not)
    writes = [
        (owner_headers, {"note": "Called the customer back"}, True),
        (owner_headers, {"status": "in_progress", "percent_complete": 40}, True),
        (owner_headers, {"status": "done"}, True),
        (owner_headers, {"due_on": due, "note": "Waiting on a supplier"}, False),
        (chair_headers, {"owner_id": other.id, "department_id": metering.id}, True),
        (chair_headers, {"raised_at_meeting_id": meeting.id, "raised_at_item": 4, "status": "open"}, True),
        (chair_headers, {"title": "Renamed", "description": "More words", "note": None}, True),
    ]
    version = _fresh(client, url, chair_headers)["version"]
    for headers, body, changes in writes:
        response = client.patch(url, json=body, headers=if_match(client, url, headers))
        assert response.status_code == 200, (body, response.text)
        version += changes
        assert response.headers["ETag"] == f'"{version}"'
        assert response.json() == _fresh(client, url, headers), body
    shown = _fresh(client, url, chair_headers)
    assert (shown["owner_name"], shown["department_name"], shown["raised_at_meeting_number"]) == (
        session.get(User, other.user_id).name,
        "Metering",
        meeting.number,
    )
    assert shown["pending_due_change"]["to_date"] == due
    assert shown["due_on"] == action.due_on.isoformat()


def test_a_patch_leaves_one_history_row_and_replaces_only_its_own_councils_stamp(app, client, engine, session):
    council, _, owner, _, _, _, action = _arrange(session)
    elsewhere = make_council(session, chair=make_user(session))
    session.commit()
    url = f"/api/actions/{action.id}"
    headers = auth(app, session.get(User, owner.user_id))
    with Session(engine) as s:
        before, other_before = stamps(s, council.id), stamps(s, elsewhere.id)

    response = client.patch(url, json={"status": "done", "note": "Fixed"}, headers=if_match(client, url, headers))
    assert response.status_code == 200, response.text

    with Session(engine) as s:
        after, other_after = stamps(s, council.id), stamps(s, elsewhere.id)
        events = s.exec(select(ActionEvent).where(ActionEvent.action_id == action.id).order_by(col(ActionEvent.id)))
        last = list(events)[-1]
        stored = s.get(Action, action.id)
    assert after[0] != before[0] and after[1] == before[1]  # the council's stamp, not the site's
    assert other_after == other_before
    assert last.changes == {"status": ["open", "done"], "percent_complete": [0, 100]}
    assert (last.note, last.user_id, last.without_if_match) == ("Fixed", owner.user_id, False)
    assert stored.version == action.version + 1 and stored.closed_at is not None
    # The closing day as the ORM's listener keeps it: the council's calendar (Tokyo).
    assert stored.closed_on == stored.closed_at.astimezone(ZoneInfo("Asia/Tokyo")).date()


def test_a_write_from_a_version_replaced_meanwhile_is_refused(app, engine, session):
    council, _, owner, _, _, _, action = _arrange(session)
    user = session.get(User, owner.user_id)
    with Session(engine, expire_on_commit=False) as first, Session(engine) as second:
        found = service.load_action_shown(session=first, user=first.get(User, user.id), action_id=action.id)
        late = second.get(Action, action.id)
        late.title = "Changed by someone else"
        second.add(late)
        second.commit()
        with pytest.raises(StaleDataError):
            service.update_action(
                session=first, access=found.access, action=found.action, action_in=ActionUpdate(note="Mine")
            )
        first.rollback()
    session.expire_all()
    assert session.get(Action, action.id).title == "Changed by someone else"
    assert session.exec(select(ActionEvent).where(ActionEvent.note == "Mine")).first() is None


def test_a_stale_if_match_is_412_and_writes_nothing(app, client, session):
    _, _, owner, _, _, _, action = _arrange(session)
    url = f"/api/actions/{action.id}"
    headers = auth(app, session.get(User, owner.user_id))
    response = client.patch(url, json={"note": "Late"}, headers={**headers, "If-Match": f'"{action.version + 5}"'})
    assert response.status_code == 412
    assert f"now version {action.version}" in response.json()["detail"]
    assert session.exec(select(ActionEvent).where(ActionEvent.note == "Late")).first() is None


def test_a_patch_sends_a_bounded_number_of_statements(app, client, session, db_backend):
    _, _, owner, _, _, _, action = _arrange(session)
    url = f"/api/actions/{action.id}"
    headers = if_match(client, url, auth(app, session.get(User, owner.user_id)))
    with count_statements(app.state.engine) as sent:
        response = client.patch(url, json={"note": "Counted"}, headers=headers)
    assert response.status_code == 200, response.text
    queries = [s for s in sent if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT"))]
    assert len(queries) <= MOST_STATEMENTS_PER_PATCH[db_backend], queries


def test_an_owner_of_an_archived_councils_action_is_not_found(app, client, session):
    council, _, owner, _, _, _, action = _arrange(session)
    headers = auth(app, session.get(User, owner.user_id))
    url = f"/api/actions/{action.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    stored = session.get(Council, council.id)
    stored.archived_at = action.created_at
    session.add(stored)
    session.commit()
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"note": "x"}, headers={**headers, "If-Match": etag}).status_code == 404


def test_refusals_come_in_the_same_order_whatever_the_body(app, client, session):
    """Who may write is judged before what was sent: an outsider, or a signed-out token, hears 404 or 401 even
    for a body that would be refused, so a body never tells them anything about the action."""
    _, _, owner, _, _, _, action = _arrange(session)
    url = f"/api/actions/{action.id}"
    signed_out = auth(app, session.get(User, owner.user_id))
    owner_headers = auth(app, session.get(User, owner.user_id))
    # "Sign out everywhere else" ends the first token.
    assert client.post("/api/me/sessions/revoke", headers=owner_headers).json() == {"ended": 1}
    etag = client.get(url, headers=owner_headers).headers["ETag"]
    stranger = make_user(session)
    session.commit()
    outsider = auth(app, stranger)
    bad = {"percent_complete": 250}
    assert client.patch(url, json=bad, headers={**signed_out, "If-Match": etag}).status_code == 401
    assert client.patch(url, json=bad, headers={"If-Match": etag}).status_code == 401
    assert client.patch(url, json=bad, headers={**outsider, "If-Match": etag}).status_code == 404
    assert client.patch("/api/actions/999999", json=bad, headers={**owner_headers, "If-Match": etag}).status_code == 404
    # The owner's own bad body names the field; without If-Match it is 428.
    refused = client.patch(url, json=bad, headers={**owner_headers, "If-Match": etag})
    assert refused.status_code == 422
    assert error_fields(refused) == {"percent_complete"}
    assert client.patch(url, json={"note": "x"}, headers=owner_headers).status_code == 428


def test_a_body_sent_as_other_json_is_written_the_same(app, client, session):
    """A PATCH is written in the trip that reads the action when its body is plain `application/json`; any other
    JSON media type FastAPI reads (a charset, `+json`) goes the longer way, to the same answer and history."""
    _, _, owner, _, _, _, action = _arrange(session)
    url = f"/api/actions/{action.id}"
    headers = auth(app, session.get(User, owner.user_id))
    for n, media_type in enumerate(("application/json; charset=utf-8", "application/merge-patch+json")):
        etag = client.get(url, headers=headers).headers["ETag"]
        response = client.patch(
            url,
            content=f'{{"note": "Sent as {n}", "percent_complete": {10 + n}}}',
            headers={**headers, "If-Match": etag, "Content-Type": media_type},
        )
        assert response.status_code == 200, response.text
        assert response.json() == _fresh(client, url, headers)
        assert response.json()["percent_complete"] == 10 + n
        assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    notes = session.exec(select(ActionEvent.note).where(ActionEvent.action_id == action.id)).all()
    assert [note for note in notes if note.startswith("Sent as")] == ["Sent as 0", "Sent as 1"]


def test_every_answer_gives_its_database_connection_back(app, client, session, db_backend):
    """Refused or accepted, a PATCH leaves no connection taken (the server would stall once the pool ran out)."""
    _, _, owner, other, _, _, action = _arrange(session)
    url = f"/api/actions/{action.id}"
    headers = auth(app, session.get(User, owner.user_id))
    etag = client.get(url, headers=headers).headers["ETag"]
    answers = [
        client.patch(url, json={"note": "Stale"}, headers={**headers, "If-Match": '"999"'}).status_code,
        client.patch(url, json={"title": "Not mine"}, headers={**headers, "If-Match": etag}).status_code,
        client.patch(url, json={"due_on": "2030-01-01"}, headers={**headers, "If-Match": etag}).status_code,
        client.patch(url, json={"note": "Fine"}, headers={**headers, "If-Match": etag}).status_code,
        client.patch(
            url, json={"note": "x"}, headers=auth(app, session.get(User, other.user_id)) | {"If-Match": "*"}
        ).status_code,
    ]
    assert answers == [412, 403, 422, 200, 403]
    assert app.state.engine.pool.checkedout() == 0
    assert session.exec(select(ActionEvent).where(ActionEvent.action_id == action.id, ActionEvent.note == "Fine")).one()
    assert session.exec(select(ActionEvent).where(col(ActionEvent.note).in_(["Stale", "x"]))).first() is None
