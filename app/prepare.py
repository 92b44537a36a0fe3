"""A worker rehearses the pages people open first, before it takes a request (PREPARE_WORKERS, app/main.py).

SQLAlchemy compiles each statement the first time a process runs it and keeps the result in the engine, so
a fresh worker's first home page, action log, agenda page and minutes page each paid for compiling their
statements (about 45 of them, 150 ms of CPU in all, 40 % of those first requests), on whoever came first
after a start, while every other request in the worker waited: in the load run that was the arrival burst.
In a fresh server the shared folder is still empty, so the first worker's rehearsal of the agenda page builds
that agenda (the build the warm-up would have started with: the other worker waits for it and reads it).
Here the worker reads those pages once, as a member and the secretary of the council whose meeting is
nearest would (the one the server's warm-up builds first, app/agendas/warm.py), in one read transaction
that is rolled back, and throws the pages away. The statements it compiled are then kept by the engine,
as the first requests would have left them.

- Reads only: the home page's note of the visit and a sign-in's last use (writes) are not rehearsed; the
  sign-in is looked up with a secret nobody holds (no row). Nothing is committed.
- Whatever the rehearsal finds or cannot do (an empty database, a page that refuses, the database down)
  is logged and passed over: it never stops a worker starting, and no page depends on it.
- Only the routes app.main registers are called here (as the route contract asks), with the arguments a
  request would give them.
"""

import logging
import secrets
from collections.abc import Callable

from sqlalchemy import text
from sqlmodel import Session, col, select
from starlette.requests import Request

from app.actions.log_pages import action_log_page
from app.agendas import warm
from app.agendas.pages import agenda_page
from app.auth import SESSION_ID_KEY, SESSION_USER_KEY, MeetingAccess, load_access, load_record_access
from app.db import open_session
from app.home.personal_data import CHANGES_SHOWN, load_home
from app.meetings.responses import delegate_choices
from app.minutes.pages import minutes_page
from app.models import Meeting, Membership, Role, User, utcnow
from app.web.deps import signed_in_user

log = logging.getLogger("council.prepare")

# How far from now the rehearsed meeting may be: any meeting does (its statements are those of every meeting).
REHEARSAL_DAYS = 366


def _request(app, path: str, user_id: int) -> Request:
    """A GET of `path` as the page functions see one, signed in with a secret no sign-in holds."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "scheme": "http",
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 0),
        "app": app,
        "session": {SESSION_USER_KEY: user_id, SESSION_ID_KEY: secrets.token_urlsafe(32)},
        "state": {},
    }
    return Request(scope)


def _seat(session: Session, council_id: int, role: Role) -> tuple[Membership, User] | None:
    row = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.council_id == council_id, Membership.role == role)
        .order_by(col(Membership.id))
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def _rehearsals(app, session: Session) -> list[tuple[str, Callable[[], object]]]:
    """(name, call) for each page read by a member and the secretary of the nearest meeting's council."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("health", lambda: session.connection().execute(text("SELECT 1"))),
    ]
    nearest = warm.current_meetings(session, now=utcnow(), days=REHEARSAL_DAYS, limit=1)
    meeting = session.get(Meeting, nearest[0]) if nearest else None
    if meeting is None:
        return steps
    member, secretary = (
        _seat(session, meeting.council_id, Role.member),
        _seat(session, meeting.council_id, Role.secretary),
    )
    if member is not None:
        seat, user = member
        steps += [
            ("sign-in", lambda: signed_in_user(_request(app, "/home", user.id), session)),
            ("home", lambda: _home(session, user)),
            ("action log", lambda: _action_log(app, session, user, seat)),
            ("agenda page", lambda: _meeting_page(app, session, user, meeting, agenda_page, "agenda")),
        ]
    if secretary is not None:
        steps.append(
            ("minutes page", lambda: _meeting_page(app, session, secretary[1], meeting, minutes_page, "minutes"))
        )
    return steps


def _home(session: Session, user: User) -> None:
    # The page's reads (app/home/personal.py home_page) without its note of the visit, which writes.
    home = load_home(session=session, user=user, since=None, changes_shown=CHANGES_SHOWN)
    for next_meeting in home.meetings:
        delegate_choices(session=session, council_id=next_meeting.seat.council.id, me=next_meeting.seat.membership.id)


def _action_log(app, session: Session, user: User, seat: Membership) -> None:
    access = load_access(session=session, user=user, council_id=seat.council_id)
    request = _request(app, f"/councils/{seat.council_id}/actions", user.id)
    # "My actions": the log filtered to the member's seat, as the home page links to it.
    action_log_page(
        request, session, user, access, owner_id=seat.id, department_id=None, status="", overdue="",
        open_page="", closed_page="",
    )  # fmt: skip


def _meeting_page(app, session: Session, user: User, meeting: Meeting, page, name: str) -> None:
    found, access = load_record_access(session=session, user=user, model=Meeting, record_id=meeting.id, label="Meeting")
    request = _request(app, f"/meetings/{meeting.id}/{name}", user.id)
    if name == "agenda":
        page(request, session, user, MeetingAccess(meeting=found, access=access), live="")
    else:
        page(request, session, user, MeetingAccess(meeting=found, access=access), item="")


def rehearse_pages(app) -> list[str]:
    """Read the pages people open first once (see the module); the names of those rehearsed. Never raises."""
    done: list[str] = []
    try:
        with open_session(app.state.engine, write=False) as session:
            session.info["settings"] = app.state.settings
            try:
                for name, step in _rehearsals(app, session):
                    try:
                        step()
                    except Exception as exc:  # a page that refuses this person: its statements stay cold
                        log.warning("rehearsal: the %s was not read (%s)", name, type(exc).__name__)
                        session.rollback()
                        continue
                    done.append(name)
            finally:
                session.rollback()
    except Exception as exc:  # the database unreachable: the requests compile as they come, as before
        log.warning("rehearsal: no page read (%s)", type(exc).__name__)
    return done
