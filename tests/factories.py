"""Plain functions that put rows in the test database.

Each adds and flushes (so ids are set) and never commits: the test commits once it
has arranged everything, before it calls the app. Anything not given gets a unique,
valid default.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app import auth
from app.models import (
    CLOSED_STATUSES,
    Action,
    ActionEvent,
    Council,
    Department,
    Meeting,
    MeetingResponse,
    Membership,
    Role,
    User,
    utcnow,
)

PASSWORD = "pw-12345678"
_seq = itertools.count(1)


def _next() -> int:
    return next(_seq)


@lru_cache(maxsize=32)
def _hashed(password: str) -> str:
    # One hash per distinct password per run: even cheap Argon2 adds up over a suite.
    return auth.hash_password(password)


def _save(session: Session, row):
    session.add(row)
    session.flush()
    return row


def make_user(
    session: Session,
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    is_site_admin: bool = False,
    is_active: bool = True,
    can_create_councils: bool = False,
) -> User:
    n = _next()
    return _save(
        session,
        User(
            email=(email or f"user{n}@example.com").strip().lower(),
            name=name or f"User {n}",
            password_hash=_hashed(password),
            is_active=is_active,
            is_site_admin=is_site_admin,
            can_create_councils=can_create_councils,
        ),
    )


def make_council(
    session: Session,
    *,
    name: str | None = None,
    chair: User | None = None,
    description: str = "",
    timezone: str = "Europe/London",
) -> Council:
    """A council; with `chair`, that user also gets the chair's seat."""
    council = _save(
        session,
        Council(name=name or f"Council {_next()}", description=description, timezone=timezone),
    )
    if chair is not None:
        make_membership(session, council=council, user=chair, role=Role.chair)
    return council


def make_department(
    session: Session,
    *,
    council: Council,
    name: str | None = None,
    is_external: bool = False,
    description: str = "",
) -> Department:
    return _save(
        session,
        Department(
            council_id=council.id,
            name=name or f"Department {_next()}",
            is_external=is_external,
            description=description,
        ),
    )


def make_membership(
    session: Session,
    *,
    council: Council,
    user: User | None = None,
    role: Role | str = Role.member,
    department: Department | None = None,
) -> Membership:
    """A seat on `council`; without `user`, a new user takes it."""
    user = user or make_user(session)
    return _save(
        session,
        Membership(
            council_id=council.id,
            user_id=user.id,
            role=Role(role).value,
            department_id=department.id if department else None,
        ),
    )


def make_meeting(
    session: Session,
    *,
    council: Council,
    scheduled_at: datetime | None = None,
    number: int | None = None,
    title: str = "",
    duration_minutes: int = 120,
    location: str = "",
    status: str = "scheduled",
) -> Meeting:
    """A meeting; `number` defaults to the council's next one, `scheduled_at` to a week ahead."""
    if number is None:
        latest = session.exec(select(func.max(Meeting.number)).where(Meeting.council_id == council.id)).one()
        number = (latest or 0) + 1
    if scheduled_at is None:
        scheduled_at = (utcnow() + timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
    elif scheduled_at.tzinfo is None:
        raise ValueError("make_meeting: give scheduled_at a time zone")
    return _save(
        session,
        Meeting(
            council_id=council.id,
            number=number,
            title=title or f"Meeting {number}",
            scheduled_at=scheduled_at,
            duration_minutes=duration_minutes,
            location=location,
            status=status,
        ),
    )


def make_action(
    session: Session,
    *,
    council: Council,
    owner: Membership | None = None,
    title: str | None = None,
    description: str = "",
    due_on: date | None = None,
    status: str = "open",
    department: Department | None = None,
    raised_at: Meeting | None = None,
) -> Action:
    """An action owned by `owner` (a seat; a new member's by default), due in two weeks."""
    owner = owner or make_membership(session, council=council)
    closed = status in CLOSED_STATUSES
    return _save(
        session,
        Action(
            council_id=council.id,
            title=title or f"Action {_next()}",
            description=description,
            owner_id=owner.id,
            department_id=department.id if department else owner.department_id,
            due_on=due_on or (datetime.now(UTC).date() + timedelta(days=14)),
            status=status,
            raised_at_meeting_id=raised_at.id if raised_at else None,
            closed_at=utcnow() if closed else None,
        ),
    )


def make_action_update(
    session: Session,
    *,
    action: Action,
    user: User | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> ActionEvent:
    return _save(
        session,
        ActionEvent(
            action_id=action.id,
            user_id=user.id if user else None,
            changes=changes or {},
            note=note,
        ),
    )


def make_response(
    session: Session,
    *,
    meeting: Meeting,
    seat: Membership,
    answer: str = "attending",
    reason: str = "",
    delegate_name: str = "",
) -> MeetingResponse:
    """A seat's answer to a meeting's invitation, as given before the meeting."""
    return _save(
        session,
        MeetingResponse(
            meeting_id=meeting.id,
            membership_id=seat.id,
            answer=answer,
            reason=reason,
            delegate_name=delegate_name,
            answered_by_id=seat.user_id,
        ),
    )


def token_headers(client, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the API and return the bearer header for later requests."""
    response = client.post("/api/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, f"sign-in as {email} failed: {response.text}"
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
