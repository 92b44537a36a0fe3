"""Mail from the action log, through the outbox to a real SMTP server: an action assigned or reassigned,
a due date moved by its owner, and (where the council asks) the chair's approval of that move."""

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from app.actions import service
from app.actions.schemas import ActionCreate, ActionUpdate
from app.auth import load_access
from app.models import ActionDueRequest, ActionEvent, Council, NotificationPreference, OutboxMessage, Role, User
from app.outbox.deliver import deliver_all
from tests.factories import make_action, make_council, make_department, make_membership, make_user
from tests.helpers import auth, if_match
from tests.smtp import text_of

pytestmark = pytest.mark.usefixtures("db_backend")

DUE = date.today() + timedelta(days=30)
LATER = DUE + timedelta(days=14)


@pytest.fixture
def people(session):
    """A council with a chair (Cara), a secretary (Sam), an owner (Olu, Billing) and another member (Mia)."""
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    seats = {}
    for key, name, role, department in [
        ("chair", "Cara Chair", Role.chair, None),
        ("secretary", "Sam Secretary", Role.secretary, None),
        ("owner", "Olu Owner", Role.member, billing),
        ("member", "Mia Member", Role.member, None),
    ]:
        user = make_user(session, email=f"{key}@example.com", name=name)
        seats[key] = make_membership(session, council=council, user=user, role=role, department=department)
    session.commit()
    return council, seats


def _flush(mail_app, inbox):
    application, _ = mail_app
    deliver_all(application.state.engine, application.state.settings)
    return inbox.messages


def _user(session, seat) -> User:
    return session.get(User, seat.user_id)


def _headers(mail_app, session, seat):
    return auth(mail_app[0], _user(session, seat))


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def test_an_action_created_for_someone_mails_them_but_not_when_you_assign_yourself(session, people, mail_app, inbox):
    council, seats = people
    _, client = mail_app
    chair = _headers(mail_app, session, seats["chair"])
    body = {"title": "Fix the estimated-bills letter", "owner_id": seats["owner"].id, "due_on": DUE.isoformat()}
    created = client.post(f"/api/councils/{council.id}/actions", json=body, headers=chair)
    assert created.status_code == 201, created.text
    mine = {**body, "title": "Chase the survey vendor", "owner_id": seats["chair"].id}
    assert client.post(f"/api/councils/{council.id}/actions", json=mine, headers=chair).status_code == 201

    [message] = _flush(mail_app, inbox)
    assert message["To"].addresses[0].addr_spec == "owner@example.com"
    assert "Fix the estimated-bills letter" in message["Subject"]
    text = text_of(message)
    assert "Cara Chair assigned an action to you in Utility council" in text
    assert f"Due: {DUE.day} {DUE:%B %Y}" in text
    link = f"http://council.example/actions/{created.json()['id']}"
    assert link in text and f'href="{link}"' in _html(message)


def test_reassigning_mails_the_new_owner_and_a_member_who_turned_it_off_gets_nothing(session, people, mail_app, inbox):
    council, seats = people
    _, client = mail_app
    action = make_action(session, council=council, owner=seats["owner"], title="Refund backlog", due_on=DUE)
    session.add(
        NotificationPreference(
            user_id=seats["secretary"].user_id, council_id=council.id, kind="action_assigned", enabled=False
        )
    )
    session.commit()
    chair = _headers(mail_app, session, seats["chair"])
    url = f"/api/actions/{action.id}"
    moved = client.patch(url, json={"owner_id": seats["member"].id}, headers=if_match(client, url, chair))
    assert moved.status_code == 200, moved.text
    moved = client.patch(url, json={"owner_id": seats["secretary"].id}, headers=if_match(client, url, chair))
    assert moved.status_code == 200, moved.text

    [message] = _flush(mail_app, inbox)
    assert message["To"].addresses[0].addr_spec == "member@example.com"
    assert "Cara Chair reassigned an action to you" in text_of(message)
    assert "List-Unsubscribe" in message


def test_an_owner_moving_a_due_date_tells_the_chair_and_secretary_with_the_reason(session, people, mail_app, inbox):
    council, seats = people
    _, client = mail_app
    action = make_action(session, council=council, owner=seats["owner"], title="Refund backlog", due_on=DUE)
    session.commit()
    owner = _headers(mail_app, session, seats["owner"])
    url = f"/api/actions/{action.id}"
    body = {"due_on": LATER.isoformat(), "note": "The supplier needs two more weeks."}
    answer = client.patch(url, json=body, headers=if_match(client, url, owner))
    assert answer.status_code == 200 and answer.json()["due_on"] == LATER.isoformat()
    assert answer.json()["pending_due_change"] is None

    messages = _flush(mail_app, inbox)
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == ["chair@example.com", "secretary@example.com"]
    text = text_of(messages[0])
    assert "Olu Owner moved the due date of an action in Utility council" in text
    assert f"From {DUE.day} {DUE:%B %Y} to {LATER.day} {LATER:%B %Y}" in text
    assert "Why: The supplier needs two more weeks." in text

    # The chair moving a date applies at once and mails nobody.
    chair = _headers(mail_app, session, seats["chair"])
    body = {"due_on": DUE.isoformat(), "note": "Back to the plan."}
    assert client.patch(url, json=body, headers=if_match(client, url, chair)).status_code == 200
    assert len(_flush(mail_app, inbox)) == 2


def _require_approval(session, council):
    council = session.get(Council, council.id)
    council.due_moves_need_approval = True
    session.add(council)
    session.commit()


def test_where_the_chair_approves_moves_an_owners_move_waits_and_the_decision_is_recorded_and_mailed(
    session, people, mail_app, inbox
):
    council, seats = people
    _, client = mail_app
    _require_approval(session, council)
    action = make_action(session, council=council, owner=seats["owner"], title="Refund backlog", due_on=DUE)
    session.commit()
    owner = _headers(mail_app, session, seats["owner"])
    url = f"/api/actions/{action.id}"
    first = client.patch(
        url,
        json={"due_on": (DUE + timedelta(days=7)).isoformat(), "note": "A week?"},
        headers=if_match(client, url, owner),
    )
    assert first.status_code == 200, first.text
    second = client.patch(
        url,
        json={"due_on": LATER.isoformat(), "note": "Two weeks, to be safe.", "percent_complete": 40},
        headers=if_match(client, url, owner),
    )
    assert second.status_code == 200, second.text
    data = second.json()
    # The date stays; the progress applies now; the newer request replaced the first.
    assert data["due_on"] == DUE.isoformat() and data["percent_complete"] == 40
    pending = data["pending_due_change"]
    assert pending["status"] == "pending" and pending["to_date"] == LATER.isoformat()
    assert pending["reason"] == "Two weeks, to be safe."
    first_id = first.json()["pending_due_change"]["id"]
    assert client.get(url, headers=owner).json()["pending_due_change"]["id"] == pending["id"]

    asked = _flush(mail_app, inbox)
    assert (
        sorted(m["To"].addresses[0].addr_spec for m in asked)
        == ["chair@example.com"] * 2 + ["secretary@example.com"] * 2
    )
    assert "Olu Owner asks to move the due date" in text_of(asked[-1])
    chair_mail = next(m for m in asked if m["To"].addresses[0].addr_spec == "chair@example.com")
    assert f"Approve or refuse it (also from your home page): http://council.example/actions/{action.id}" in text_of(
        chair_mail
    )
    secretary_mail = next(m for m in asked if m["To"].addresses[0].addr_spec == "secretary@example.com")
    assert "Approve" not in text_of(secretary_mail)
    inbox.messages.clear()

    chair = _headers(mail_app, session, seats["chair"])
    secretary = _headers(mail_app, session, seats["secretary"])
    decide = f"{url}/due-requests/{pending['id']}"
    assert client.post(f"{url}/due-requests/{first_id}/approve", headers=chair).status_code == 409
    assert client.post(f"{decide}/approve", headers=secretary).status_code == 403
    assert client.post(f"{decide}/approve", headers=owner).status_code == 403
    approved = client.post(f"{decide}/approve", json={"note": "Fine."}, headers=chair)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    after = client.get(url, headers=owner).json()
    assert after["due_on"] == LATER.isoformat() and after["pending_due_change"] is None
    assert client.post(f"{decide}/refuse", headers=chair).status_code == 409

    [message] = _flush(mail_app, inbox)
    assert message["To"].addresses[0].addr_spec == "owner@example.com"
    assert message["Subject"] == "New due date approved: Refund backlog"
    assert "Cara Chair approved the new due date you asked for" in text_of(message)

    history = client.get(f"{url}/history", headers=owner).json()["data"]
    fields = [[c["field"] for c in h["changes"]] for h in history]
    assert ["due_on_requested"] in fields
    assert ["due_on", "due_on_approved"] in fields


def _owner_asks_to_move(session, people, mail_app):
    """A council where the chair approves moves, and its owner asking to move "Refund backlog" to LATER:
    (client, seats, the action's url, the owner's headers, the request's id)."""
    council, seats = people
    _, client = mail_app
    _require_approval(session, council)
    action = make_action(session, council=council, owner=seats["owner"], title="Refund backlog", due_on=DUE)
    session.commit()
    owner = _headers(mail_app, session, seats["owner"])
    url = f"/api/actions/{action.id}"
    asked = client.patch(url, json={"due_on": LATER.isoformat(), "note": "Busy."}, headers=if_match(client, url, owner))
    rid = asked.json()["pending_due_change"]["id"]
    return client, seats, url, owner, rid


def test_the_chair_refuses_with_a_note_and_the_date_stays(session, people, mail_app, inbox):
    client, seats, url, owner, rid = _owner_asks_to_move(session, people, mail_app)
    inbox.messages.clear()
    _flush(mail_app, inbox)
    inbox.messages.clear()

    chair = _headers(mail_app, session, seats["chair"])
    refused = client.post(
        f"{url}/due-requests/{rid}/refuse", json={"note": "The regulator wants it by then."}, headers=chair
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    assert client.get(url, headers=owner).json()["due_on"] == DUE.isoformat()
    [message] = _flush(mail_app, inbox)
    assert message["Subject"] == "New due date refused: Refund backlog"
    assert "Note: The regulator wants it by then." in text_of(message)
    history = client.get(f"{url}/history", headers=owner).json()["data"]
    assert (
        history[-1]["changes"] == [{"field": "due_on_refused", "old": DUE.isoformat(), "new": LATER.isoformat()}]
        and history[-1]["note"] == "The regulator wants it by then."
    )


def test_a_date_the_chair_sets_directly_settles_the_owners_request_waiting(session, people, mail_app, inbox):
    client, seats, url, owner, rid = _owner_asks_to_move(session, people, mail_app)

    chair = _headers(mail_app, session, seats["chair"])
    chosen = (DUE + timedelta(days=3)).isoformat()
    moved = client.patch(
        url, json={"due_on": chosen, "note": "Three days, no more."}, headers=if_match(client, url, chair)
    )
    assert moved.status_code == 200 and moved.json()["due_on"] == chosen
    read = client.get(url, headers=owner).json()
    assert read["due_on"] == chosen and read["pending_due_change"] is None
    # The old request can no longer be approved over the date the chair set.
    assert client.post(f"{url}/due-requests/{rid}/approve", json={}, headers=chair).status_code == 409
    assert client.get(url, headers=owner).json()["due_on"] == chosen


def test_a_rolled_back_request_queues_nothing(session, settings, people):
    council, seats = people
    session.info["settings"] = settings  # as app.db.get_session does for a request
    _require_approval(session, council)
    action = make_action(session, council=council, owner=seats["chair"], due_on=DUE)
    session.commit()
    owner_access = load_access(session=session, user=_user(session, seats["owner"]), council_id=council.id)
    chair_access = load_access(session=session, user=_user(session, seats["chair"]), council_id=council.id)
    created = service.create_action(
        session=session,
        access=chair_access,
        action_in=ActionCreate(title="Mail me", owner_id=seats["owner"].id, due_on=DUE),
    )
    service.update_action(
        session=session, access=chair_access, action=action, action_in=ActionUpdate(owner_id=seats["owner"].id)
    )
    service.update_action(
        session=session,
        access=owner_access,
        action=created,
        action_in=ActionUpdate(due_on=LATER, note="Later please."),
    )
    session.flush()
    assert len(session.exec(select(OutboxMessage)).all()) == 4  # two assignments, the chair and the secretary
    assert session.exec(select(ActionDueRequest)).all()
    session.rollback()
    assert session.exec(select(OutboxMessage)).all() == []
    assert session.exec(select(ActionDueRequest)).all() == []
    assert not session.exec(select(ActionEvent).where(col(ActionEvent.action_id) == action.id).offset(1)).all()


def test_an_action_raised_in_the_minutes_mails_its_owner(session, people, mail_app, inbox):
    from datetime import UTC, datetime

    from tests.factories import make_meeting

    council, seats = people
    _, client = mail_app
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) - timedelta(hours=1))
    session.commit()
    secretary = _headers(mail_app, session, seats["secretary"])
    body = {"title": "Trial the SMS arrival window", "owner_id": seats["owner"].id, "due_on": DUE.isoformat()}
    raised = client.post(f"/api/meetings/{meeting.id}/actions", json={**body, "item_number": 5}, headers=secretary)
    assert raised.status_code == 201, raised.text
    [message] = _flush(mail_app, inbox)
    assert message["To"].addresses[0].addr_spec == "owner@example.com"
    assert "Sam Secretary assigned an action to you" in text_of(message)


def test_the_refuse_form_keeps_a_too_long_note_out_and_decides_nothing(session, people, mail_app):
    from tests.factories import PASSWORD
    from tests.web.test_pages import csrf_from, sign_in

    council, seats = people
    _, client = mail_app
    _require_approval(session, council)
    action = make_action(session, council=council, owner=seats["owner"], title="Refund backlog", due_on=DUE)
    asked = ActionDueRequest(
        council_id=council.id, action_id=action.id, requested_by_id=seats["owner"].user_id, from_date=DUE, to_date=LATER
    )
    session.add(asked)
    session.commit()
    sign_in(client, "chair@example.com", PASSWORD)
    page = client.get(f"/actions/{action.id}").text
    assert "waiting for the chair&#39;s approval" in page or "waiting for the chair's approval" in page
    url = f"/actions/{action.id}/due-requests/{asked.id}/refuse"
    refused = client.post(url, data={"csrf_token": csrf_from(page), "note": "x" * 2001, "back": "/home"})
    assert refused.status_code == 200 and "2000" in refused.text
    session.expire_all()
    assert session.get(ActionDueRequest, asked.id).status == "pending"
    done = client.post(url, data={"csrf_token": csrf_from(page), "note": "Not now.", "back": "/home"})
    assert done.status_code == 200 and "stays due" in done.text
    session.expire_all()
    assert session.get(ActionDueRequest, asked.id).status == "refused"
