"""Passwords, sign-ins (sessions and tokens), the current user and per-council role checks.

Every sign-in is a row in `user_sessions` (app/models/sessions.py): the browser's signed
cookie and each bearer token carry its random id (`sid`), and every request looks the row
up, so signing out, changing a password or "sign out everywhere" ends a sign-in at once.
"""

import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Annotated, Protocol, TypeVar

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from pwdlib import PasswordHash
from sqlalchemy import bindparam
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, delete, or_, select, update

from app.common import IdPath
from app.config import Settings
from app.db import SAFE_METHODS, SessionDep, open_session
from app.errors import Forbidden, NotFound
from app.models import Action, Council, Meeting, Membership, Role, User, UserSession, utcnow

password_hash = PasswordHash.recommended()
# Verified against when the email is unknown, so a miss costs what a hit costs. Written out
# rather than hashed at import, which cost every process that imports this module one
# argon2 hash (a test checks it still has the hasher's current parameters).
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$5lNMRpKyOQLW4pTkSvCGvw$MQOcHE3Gx4jPNzGKjrzBRslTFuVq9jN9wZB6CXklHR8"
JWT_ALGORITHM = "HS256"
SESSION_USER_KEY = "user_id"
# The session cookie's key for the sign-in's secret id.
SESSION_ID_KEY = "sid"
# Last seen is written at most this often per sign-in, so browsing costs no write per request.
LAST_SEEN_EVERY = timedelta(minutes=1)
# One note of a sign-in's last use at a time in a process. A note takes a second connection from the pool while the
# request holds its own: when as many requests as the pool has connections (15) all held one and all waited for a
# second, none could go on until the pool's timeout (30 s, then an error page): the load run met it when fifty people
# whose last note was over a minute old arrived at once. A note skipped because another is being written is
# written on that sign-in's next request.
_noting = threading.Lock()
# Ended and expired sign-ins are kept this long (the account page no longer shows them), then
# removed when their owner next signs in, so the table stays small without a scheduled job.
KEEP_ENDED = timedelta(days=30)

log = logging.getLogger(__name__)

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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(*, session: Session, user: User, kind: str, lifetime: timedelta, user_agent: str = "") -> str:
    """Record a new sign-in and answer its secret id (stored only as a hash)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.exec(  # type: ignore[call-overload]
        delete(UserSession).where(
            col(UserSession.user_id) == user.id,
            or_(col(UserSession.expires_at) < now - KEEP_ENDED, col(UserSession.revoked_at) < now - KEEP_ENDED),
        )
    )
    row = UserSession(
        user_id=user.id,
        token_hash=_digest(secret),
        kind=kind,
        user_agent=user_agent[:300],
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    return secret


def find_session(*, session: Session, secret: object) -> UserSession | None:
    """The live sign-in with this secret id: not ended, not expired; None otherwise."""
    if not _is_secret(secret):
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == _digest(secret))).first()
    return row if row is not None and _is_live(row) else None


def _is_secret(secret: object) -> bool:
    """Shaped like a sign-in's secret id (anything else is not looked up)."""
    return isinstance(secret, str) and bool(secret) and len(secret) <= 100


def _is_live(row: UserSession) -> bool:
    """Not ended and not expired."""
    return row.revoked_at is None and row.expires_at > utcnow()


def end_session(*, session: Session, row: UserSession) -> None:
    """Sign out one sign-in."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        session.flush()


def end_other_sessions(*, session: Session, user: User, keep: UserSession | None) -> int:
    """End every live sign-in of `user` except `keep` (browsers and bearer tokens alike); how many."""
    now = utcnow()
    query = (
        update(UserSession)
        .where(
            col(UserSession.user_id) == user.id,
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
        .values(revoked_at=now)
    )
    if keep is not None:
        query = query.where(col(UserSession.id) != keep.id)
    result = session.exec(query)  # type: ignore[call-overload]
    session.flush()
    return result.rowcount or 0


def list_live_sessions(*, session: Session, user: User) -> list[UserSession]:
    """A person's sign-ins that still work, most recently used first."""
    return list(
        session.exec(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                col(UserSession.revoked_at).is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(col(UserSession.last_seen_at).desc(), col(UserSession.id).desc())
        )
    )


def user_agent_of(request: Request) -> str:
    return request.headers.get("user-agent", "")[:300]


def create_access_token(*, session: Session, user: User, settings: Settings, user_agent: str = "") -> str:
    """A bearer token for `user`, backed by a sign-in row so it can be ended before it expires."""
    lifetime = timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)
    sid = start_session(session=session, user=user, kind="token", lifetime=lifetime, user_agent=user_agent)
    now = utcnow()
    claims = {"sub": str(user.id), "sid": sid, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=JWT_ALGORITHM)


def sign_in_browser(*, request: Request, session: Session, user: User) -> None:
    """A fresh session cookie naming a new sign-in, so nothing from before (fixation) carries over.

    The sign-in the cookie named before, if any, ends: this browser has only the new one.
    """
    settings: Settings = request.app.state.settings
    previous = find_session(session=session, secret=request.session.get(SESSION_ID_KEY))
    if previous is not None:
        end_session(session=session, row=previous)
    sid = start_session(
        session=session,
        user=user,
        kind="browser",
        lifetime=timedelta(seconds=settings.SESSION_MAX_AGE_SECONDS),
        user_agent=user_agent_of(request),
    )
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_ID_KEY] = sid


def sign_out_browser(*, request: Request, session: Session) -> None:
    """End the sign-in the session cookie names (if it still works) and empty the cookie."""
    row = find_session(session=session, secret=request.session.get(SESSION_ID_KEY))
    if row is not None:
        end_session(session=session, row=row)
    request.session.clear()


def _touch(request: Request, session: Session, row: UserSession) -> None:
    """Note that the sign-in was used, at most once every LAST_SEEN_EVERY."""
    now = utcnow()
    if now - row.last_seen_at < LAST_SEEN_EVERY:
        return
    if request.method not in SAFE_METHODS:
        row.last_seen_at = now  # the request's own transaction writes anyway
        session.add(row)
        return
    # A read's transaction stays a reader (on SQLite it takes no write lock), so the
    # note goes in a short transaction of its own; losing one to a busy database is harmless.
    if not _noting.acquire(blocking=False):
        return
    try:
        with open_session(request.app.state.engine, write=True) as writer:
            writer.exec(  # type: ignore[call-overload]
                update(UserSession)
                .where(col(UserSession.id) == row.id, col(UserSession.last_seen_at) < now - LAST_SEEN_EVERY)
                .values(last_seen_at=now)
            )
            writer.commit()
    except OperationalError:
        log.warning("could not note the last use of sign-in %s", row.id, exc_info=True)
        return
    finally:
        _noting.release()
    set_committed_value(row, "last_seen_at", now)


# The sign-in and its person in one query (find_session, then the user): every signed-in request
# asks, so it is built once (a select is immutable; the values are bound on each run). Neither
# table is archivable, so the archived-rows filter (app/archived.py) has nothing to add to it.
_SIGNED_IN = (
    select(UserSession, User)
    .join(User, col(User.id) == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .execution_options(include_archived=True)
)


def _signed_in(request: Request, session: Session, *, user_id: object, sid: object) -> User | None:
    """The active user whose live sign-in `sid` is, noted on the request as its current sign-in."""
    if not _is_secret(sid):
        return None
    return _accept(request, session, session.exec(_SIGNED_IN, params={"token_hash": _digest(sid)}).first(), user_id)


def _accept(request: Request, session: Session, found, user_id: object) -> User | None:
    """The user of a row of _SIGNED_IN (or of a query extending it) while the sign-in is live and theirs."""
    if found is None:
        return None
    row, user = found[0], found[1]
    if not _is_live(row) or str(row.user_id) != str(user_id) or not user.is_active:
        return None
    _touch(request, session, row)
    request.state.user_session = row
    return user


def session_user(request: Request, session: Session) -> User | None:
    """The person the session cookie signs in, while that sign-in and their account last."""
    return _signed_in(
        request, session, user_id=request.session.get(SESSION_USER_KEY), sid=request.session.get(SESSION_ID_KEY)
    )


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def get_optional_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User | None:
    """The signed-in user: a bearer token, or for reads the web session cookie."""
    if token:
        claims = _claims(request, token)
        user = _signed_in(request, session, user_id=claims["sub"], sid=claims["sid"])
        if user is None:
            raise _signed_out()
        return user
    if request.method in SAFE_METHODS or not request.url.path.startswith("/api"):
        # The cookie lets a signed-in browser follow download links; API writes need a
        # bearer token, so no cross-site form can drive the JSON API.
        return session_user(request, session)
    return None


# Tokens whose signature checked out, with their claims, by (token, key): checking the signature and
# decoding took 0.06-0.1 ms, a few per cent of an action update, asked again on every API write with the same
# token. Only verified tokens enter; expiry is still judged on every use, as jwt.decode judges it; a
# token's sign-in row is still read on every request, so signing out ends it at once. Emptied when full.
_VERIFIED: dict[tuple[str, str], dict] = {}
_VERIFIED_MAX = 4096


def _claims(request: Request, token: str) -> dict:
    """The bearer token's claims; 401 for one expired or not ours."""
    settings: Settings = request.app.state.settings
    key = (token, settings.SECRET_KEY)
    claims = _VERIFIED.get(key)
    if claims is None:
        try:
            claims = jwt.decode(
                token, settings.SECRET_KEY, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub", "sid"]}
            )
        except jwt.ExpiredSignatureError:
            raise _unauthorized("Your token has expired; sign in again.") from None
        except jwt.InvalidTokenError:
            raise _unauthorized("That token is not valid.") from None
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[key] = claims
    elif int(claims["exp"]) <= time.time():  # jwt.decode's own test (no leeway)
        raise _unauthorized("Your token has expired; sign in again.")
    return claims


def _signed_out() -> HTTPException:
    return _unauthorized("That token has been signed out (or its account is not active); sign in again.")


def _sign_in_first() -> HTTPException:
    return _unauthorized("Sign in first: send a bearer token from POST /api/auth/token.")


# async: it only looks at what get_optional_user found, so it need not wait for a worker thread.
async def get_current_user(user: Annotated[User | None, Depends(get_optional_user)]) -> User:
    if user is None:
        raise _sign_in_first()
    return user


async def get_write_claims(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> dict:
    """An API write's bearer token claims (API writes take no cookie), refused as get_current_user refuses it
    before anything is read: for a route that reads the sign-in with its record (signed_in_with)."""
    if not token:
        raise _sign_in_first()
    return _claims(request, token)


WriteClaims = Annotated[dict, Depends(get_write_claims)]


def sign_in_query():
    """(the sign-in, its person) for `token_hash`: a query a route may extend (signed_in_with)."""
    return _SIGNED_IN


def signed_in_with(request: Request, session: Session, claims: dict, *, query, params: dict) -> tuple[User, tuple]:
    """The user get_current_user would answer for `claims`, and the rest of the row of `query` (sign_in_query
    extended with outer joins), read in one statement: a write reads its sign-in and its record together."""
    sid = claims["sid"]
    found = session.exec(query, params=params | {"token_hash": _digest(sid)}).first() if _is_secret(sid) else None
    user = _accept(request, session, found, claims["sub"])
    if user is None:
        raise _signed_out()
    return user, tuple(found[2:])


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_session(request: Request, _user: CurrentUser) -> UserSession:
    """The sign-in (browser or token) this request came with."""
    return request.state.user_session


CurrentSession = Annotated[UserSession, Depends(get_current_session)]


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


# The seat of a person on a council: every page and call of a council asks, so it is built once (the values
# are bound on each run), as _SIGNED_IN is.
_SEAT = (
    select(Council, Membership)
    .join(Membership, Membership.council_id == Council.id)
    .where(Council.id == bindparam("council_id"), Membership.user_id == bindparam("user_id"))
)


def load_access(*, session: Session, user: User, council_id: int) -> Access:
    """The user's seat on a council; a council they do not sit on does not exist for them."""
    row = session.exec(_SEAT, params={"council_id": council_id, "user_id": user.id}).first()
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
    row = load_record_row(
        session=session, user=user, model=model, record_id=record_id, label=label, include_archived=include_archived
    )
    return row[0], Access(user=user, council=row[1], membership=row[2])


def load_record_row(  # noqa: PLR0913
    *,
    session: Session,
    user: User,
    model: type,
    record_id: int,
    label: str,
    include_archived: bool = False,
    query=None,
) -> tuple:
    """The row of record_access_query, or of `query` (that query with columns added): not found as above."""
    if query is None:
        query = record_access_query(model, include_archived)
    row = session.exec(query, params=record_params(user, record_id)).first()
    if row is None or row[2] is None:
        raise NotFound(f"{label} not found.")
    return tuple(row)


def record_params(user: User, record_id: int) -> dict[str, int]:
    """The values record_access_query binds."""
    return {"record_id": record_id, "user_id": user.id}


@cache
def record_access_query(model: type, include_archived: bool = False):
    """(record, its council, the user's seat there or None) for `record_id` and `user_id`, bound when run.

    One query: these loaders run on every request about a record, so each is built once per
    model. Outer-joined, so a record without a seat reads like a missing one. Callers may add
    columns (outer joins, so the row is still there when what they add is not).
    """
    query = (
        select(model, Council, Membership)
        .join(Council, Council.id == model.council_id)
        .outerjoin(Membership, (Membership.council_id == Council.id) & (Membership.user_id == bindparam("user_id")))
        .where(model.id == bindparam("record_id"))
    )
    if include_archived:
        # Archived records are asked for, archived councils still are not (the global filter is off here).
        query = query.where(col(Council.archived_at).is_(None)).execution_options(include_archived=True)
    return query


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
    # What the loading query read beside the action when it was extended (action_access's `query`).
    extra: tuple = ()

    @property
    def is_owner(self) -> bool:
        return self.action.owner_id == self.access.membership.id


def get_action_access(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    return action_access(session=session, user=user, action_id=action_id)


def action_access(*, session: Session, user: User, action_id: int, query=None) -> ActionAccess:
    """The action (archived too: its page and history stay) with the user's seat; `query` extends
    record_access_query(Action, True) with columns, which land in `extra`."""
    row = load_record_row(
        session=session,
        user=user,
        model=Action,
        record_id=action_id,
        label="Action",
        include_archived=True,
        query=query,
    )
    return action_of_row(user, row)


def action_of_row(user: User, row: tuple) -> ActionAccess:
    """From (action, its council, the user's seat there, …extra) as record_access_query reads it, or
    None where an outer join found none: as get_action_access answers, not found the same way."""
    if row[0] is None or row[1] is None or row[2] is None:
        raise NotFound("Action not found.")
    access = Access(user=user, council=row[1], membership=row[2])
    found = ActionAccess(action=row[0], access=access, extra=tuple(row[3:]))
    # Observers see their own actions only.
    if access.is_(Role.observer) and not found.is_owner:
        raise NotFound("Action not found.")
    return found
