"""Every writer keeps an action's closing day on the council's calendar (closed_on), which the on-time
counts compare with the due date: 23:30 UTC is already tomorrow in Tokyo, and 02:00 UTC still yesterday
in New York."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

import app.actions.service as action_service
from app.models import Action, Council, Membership, Role, User
from tests.factories import make_action, make_council, make_department, make_membership, make_user
from tests.helpers import auth, if_match

LATE_EVENING_UTC = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 08:30 on 2 March in Tokyo
SMALL_HOURS_UTC = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 21:00 on 1 March in New York


def _arrange(session: Session, timezone: str) -> tuple[Council, Membership, User]:
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone=timezone)
    billing = make_department(session, council=council, name="Billing")
    seat = make_membership(session, council=council, role=Role.member, department=billing)
    session.commit()
    return council, seat, chair


def _closed_on(session: Session, action_id: int) -> date | None:
    session.expire_all()
    return session.get(Action, action_id).closed_on


@pytest.mark.parametrize(
    ("timezone", "now", "day"),
    [("Asia/Tokyo", LATE_EVENING_UTC, date(2026, 3, 2)), ("America/New_York", SMALL_HOURS_UTC, date(2026, 3, 1))],
)
def test_the_api_keeps_the_closing_day_in_the_councils_calendar(app, client, session, monkeypatch, timezone, now, day):
    monkeypatch.setattr(action_service, "utcnow", lambda: now)
    council, seat, chair = _arrange(session, timezone)
    headers = auth(app, chair)
    url = f"/api/councils/{council.id}/actions"

    body = {"title": "Done already", "owner_id": seat.id, "due_on": "2026-03-01", "status": "done"}
    created_done = client.post(url, json=body, headers=headers)
    assert created_done.status_code == 201, created_done.text
    assert _closed_on(session, created_done.json()["id"]) == day

    created = client.post(url, json={"title": "Open", "owner_id": seat.id, "due_on": "2026-03-01"}, headers=headers)
    action_id = created.json()["id"]
    assert _closed_on(session, action_id) is None
    action_url = f"/api/actions/{action_id}"
    for status, expected in (("done", day), ("in_progress", None), ("cancelled", day)):
        response = client.patch(action_url, json={"status": status}, headers=if_match(client, action_url, headers))
        assert response.status_code == 200, response.text
        assert _closed_on(session, action_id) == expected, status


def test_a_write_that_sets_closed_at_directly_keeps_the_day_too(session):
    council, seat, _ = _arrange(session, "Asia/Tokyo")
    action = make_action(session, council=council, owner=seat, status="done")
    assert action.closed_on is not None  # the factory closes it now: the day follows
    action.closed_at = LATE_EVENING_UTC
    session.flush()
    assert action.closed_on == date(2026, 3, 2)
    action.closed_at = None
    action.status = "open"
    session.commit()
    assert _closed_on(session, action.id) is None
    # Anything else that changes leaves the day alone.
    action = make_action(session, council=council, owner=seat, status="done")
    action.closed_at = SMALL_HOURS_UTC
    session.commit()
    action.title = "Renamed"
    session.commit()
    assert _closed_on(session, action.id) == date(2026, 3, 2)
