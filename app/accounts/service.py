"""Accounts: creating, finding and changing users."""

from sqlmodel import Session, col, select

from app.accounts.schemas import MeUpdate, MySeat, UserCreate, UserUpdate
from app.auth import end_other_sessions, end_session, hash_password, password_hash
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import Council, Membership, User, UserSession


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(*, session: Session, email: str) -> User | None:
    """The user with this email, case-insensitively."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(*, session: Session, user_in: UserCreate) -> User:
    """A new account; a duplicate email is a conflict."""
    if get_user_by_email(session=session, email=user_in.email):
        raise Conflict(f"An account with email {normalise_email(user_in.email)} already exists.")
    user = User(
        email=normalise_email(user_in.email),
        name=user_in.name,
        password_hash=hash_password(user_in.password),
        is_site_admin=user_in.is_site_admin,
        can_create_councils=user_in.can_create_councils,
    )
    session.add(user)
    session.flush()
    return user


def list_users(*, session: Session) -> list[User]:
    """Every account, by email."""
    return list(session.exec(select(User).order_by(col(User.email))))


def get_user(*, session: Session, user_id: int) -> User:
    """One account or 404."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found.")
    return user


def update_user(
    *, session: Session, user: User, user_in: UserUpdate, by: User, by_session: UserSession | None = None
) -> User:
    """A site admin changes an account; nobody locks themselves out.

    A new password or a deactivation ends every sign-in of the account (the admin's own
    current one excepted when they reset their own password).
    """
    changes = user_in.model_dump(exclude_unset=True)
    if user.id == by.id and (changes.get("is_active") is False or changes.get("is_site_admin") is False):
        raise Forbidden("You cannot deactivate yourself or remove your own admin rights.")
    if changes.get("password") is not None or changes.get("is_active") is False:
        end_other_sessions(session=session, user=user, keep=by_session if user.id == by.id else None)
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    for field in ("name", "is_active", "is_site_admin", "can_create_councils"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    session.add(user)
    session.flush()
    return user


def update_me(*, session: Session, user: User, me_in: MeUpdate, current: UserSession | None) -> User:
    """A person changes their own name or password (the current one is required).

    A new password ends every other sign-in (other browsers, every bearer token); `current`,
    the sign-in the change came with, stays signed in.
    """
    if me_in.name is not None:
        user.name = me_in.name
    if me_in.new_password is not None:
        if not me_in.current_password or not password_hash.verify(me_in.current_password, user.password_hash):
            raise Invalid("Your current password is not correct.", field="current_password")
        user.password_hash = hash_password(me_in.new_password)
        end_other_sessions(session=session, user=user, keep=current)
    session.add(user)
    session.flush()
    return user


def end_my_session(*, session: Session, user: User, session_id: int) -> None:
    """Sign out one of my own sign-ins; someone else's does not exist for me."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        raise NotFound("Session not found.")
    end_session(session=session, row=row)


def list_my_seats(*, session: Session, user: User) -> list[MySeat]:
    """The councils a person sits on, with their role in each."""
    rows = session.exec(
        select(Membership, Council)
        .join(Council, Council.id == Membership.council_id)
        .where(Membership.user_id == user.id)
        .order_by(col(Council.name))
    )
    return [
        MySeat(
            council_id=council.id,
            council_name=council.name,
            membership_id=seat.id,
            role=seat.role,
            department_id=seat.department_id,
        )
        for seat, council in rows
    ]


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str, kind: str) -> str:
    """A sign-in's device in a person's words ("Firefox on Windows"), from its User-Agent."""
    if kind == "token":
        tool = user_agent.split("/", 1)[0].strip() if user_agent else ""
        return f"API token ({tool})" if tool else "API token"
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), "")
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
