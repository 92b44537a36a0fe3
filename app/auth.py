"""Passwords, tokens, the current user and per-council role checks."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Protocol, TypeVar

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from pwdlib import PasswordHash
from sqlmodel import Session, select

from app.common import IdPath
from app.config import Settings
from app.db import SAFE_METHODS, SessionDep
from app.errors import Forbidden, NotFound
from app.models import Action, Council, Meeting, Membership, Role, User, utcnow

password_hash = PasswordHash.recommended()
# Verified against when the email is unknown, so a miss costs what a hit costs.
_DUMMY_HASH = password_hash.hash("not-a-real-password")
JWT_ALGORITHM = "HS256"
SESSION_USER_KEY = "user_id"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def hash_password(password: str) -> str:
    return password_hash.hash(password)


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        password_hash.verify(password, _DUMMY_HASH)
        return None
    if not password_hash.verify(password, user.password_hash) or not user.is_active:
        return None
    return user


def create_access_token(*, user: User, settings: Settings) -> str:
    now = utcnow()
    claims = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(minutes=settings.ACCESS_TOKEN_MINUTES),
    }
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=JWT_ALGORITHM)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_optional_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The signed-in user: a bearer token, or for reads the web session cookie."""
    settings: Settings = request.app.state.settings
    if token:
        try:
            claims = jwt.decode(
                token, settings.SECRET_KEY, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
            )
        except jwt.ExpiredSignatureError:
            raise _unauthorized("Your token has expired; sign in again.") from None
        except jwt.InvalidTokenError:
            raise _unauthorized("That token is not valid.") from None
        user_id = claims["sub"]
    elif request.method in SAFE_METHODS or not request.url.path.startswith("/api"):
        # The cookie lets a signed-in browser follow download links; API writes need a
        # bearer token, so no cross-site form can drive the JSON API.
        user_id = request.session.get(SESSION_USER_KEY)
    else:
        user_id = None
    if user_id is None or not str(user_id).isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active:
        if token:
            raise _unauthorized("That account is not active.")
        return None
    return user


def get_current_user(user: Annotated[User | None, Depends(get_optional_user)]) -> User:
    if user is None:
        raise _unauthorized("Sign in first: send a bearer token from POST /api/auth/token.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_site_admin(user: CurrentUser) -> User:
    if not user.is_site_admin:
        raise Forbidden("Only a site administrator can manage accounts.")
    return user


SiteAdmin = Annotated[User, Depends(get_site_admin)]


@dataclass(frozen=True)
class Access:
    """Who is asking, in which council, with which seat."""

    user: User
    council: Council
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role

    def is_(self, *roles: Role) -> bool:
        return self.membership.role in roles

    def require(self, *roles: Role, doing: str) -> None:
        """Refuse with 403 unless this seat has one of `roles`."""
        if self.membership.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise Forbidden(f"Only the council's {allowed} can {doing}.")


def load_access(*, session: Session, user: User, council_id: int) -> Access:
    """The user's seat on a council; a council they do not sit on does not exist for them."""
    row = session.exec(
        select(Council, Membership)
        .join(Membership, Membership.council_id == Council.id)
        .where(Council.id == council_id, Membership.user_id == user.id)
    ).first()
    if row is None:
        raise NotFound("Council not found.")
    return Access(user=user, council=row[0], membership=row[1])


class CouncilRecord(Protocol):
    council_id: int


R = TypeVar("R", bound=CouncilRecord)


def load_record_access(
    *, session: Session, user: User, model: type[R], record_id: int, label: str, include_archived: bool = False
) -> tuple[R, Access]:
    """A council's record with the user's seat on that council.

    Not found for anyone without a seat there, in the same words as for a missing record,
    so an id never tells an outsider that the record exists. Archived records are not
    found either unless asked for (an action's page and history stay readable).
    """
    record = session.get(model, record_id, execution_options={"include_archived": include_archived})
    if record is None:
        raise NotFound(f"{label} not found.")
    try:
        access = load_access(session=session, user=user, council_id=record.council_id)
    except NotFound:
        raise NotFound(f"{label} not found.") from None
    return record, access


def get_council_access(council_id: IdPath, user: CurrentUser, session: SessionDep) -> Access:
    return load_access(session=session, user=user, council_id=council_id)


CouncilAccess = Annotated[Access, Depends(get_council_access)]


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    access: Access


def get_meeting_access(meeting_id: IdPath, user: CurrentUser, session: SessionDep) -> MeetingAccess:
    meeting, access = load_record_access(
        session=session, user=user, model=Meeting, record_id=meeting_id, label="Meeting"
    )
    return MeetingAccess(meeting=meeting, access=access)


# Here rather than in app/meetings/deps.py: the agenda, minutes and reports routes load
# their meeting with it too, and meetings imports agendas (a calendar invite carries the
# running order), so the meeting loader sits below all of them.
MeetingDep = Annotated[MeetingAccess, Depends(get_meeting_access)]


@dataclass(frozen=True)
class ActionAccess:
    action: Action
    access: Access

    @property
    def is_owner(self) -> bool:
        return self.action.owner_id == self.access.membership.id


def get_action_access(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    action, access = load_record_access(
        session=session, user=user, model=Action, record_id=action_id, label="Action", include_archived=True
    )
    found = ActionAccess(action=action, access=access)
    # Observers see their own actions only.
    if access.is_(Role.observer) and not found.is_owner:
        raise NotFound("Action not found.")
    return found
