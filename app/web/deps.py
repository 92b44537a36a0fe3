"""Page dependencies: the signed-in person, and the record a page is about with that person's seat.

Each loads once per request and answers as the JSON API does (404 for a council the person
does not sit on), except that nobody signed in is sent to the login page.
"""

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.auth import (
    Access,
    ActionAccess,
    MeetingAccess,
    get_action_access,
    get_meeting_access,
    load_access,
    session_user,
)
from app.common import IdPath
from app.db import SessionDep
from app.models import User
from app.web.render import redirect


class LoginRequired(Exception):
    """A page needs a signed-in person; the handler redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def signed_in_user(request: Request, session: Session) -> User | None:
    """The person the session cookie signs in, while that sign-in and their account last; None otherwise."""
    return session_user(request, session)


def get_page_user(request: Request, session: SessionDep) -> User:
    user = signed_in_user(request, session)
    if user is None:
        request.session.clear()
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


PageUser = Annotated[User, Depends(get_page_user)]


def get_page_council(council_id: IdPath, user: PageUser, session: SessionDep) -> Access:
    """My seat on the council in the path; a council I do not sit on does not exist for me."""
    return load_access(session=session, user=user, council_id=council_id)


def get_page_meeting(meeting_id: IdPath, user: PageUser, session: SessionDep) -> MeetingAccess:
    """The meeting in the path and my seat on its council."""
    return get_meeting_access(meeting_id=meeting_id, user=user, session=session)


def get_page_action(action_id: IdPath, user: PageUser, session: SessionDep) -> ActionAccess:
    """The action in the path and my seat (observers see only their own)."""
    return get_action_access(action_id=action_id, user=user, session=session)


PageCouncil = Annotated[Access, Depends(get_page_council)]
PageMeeting = Annotated[MeetingAccess, Depends(get_page_meeting)]
PageAction = Annotated[ActionAccess, Depends(get_page_action)]


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    return redirect(f"/login?next={quote(exc.next_path, safe='/')}")


def safe_next(next_path: str | None) -> str:
    """Only same-site paths, so the login form cannot bounce people elsewhere."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/home"
