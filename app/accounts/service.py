"""Accounts: creating, finding and changing users."""

from sqlmodel import Session, col, select

from app.accounts.schemas import MeUpdate, MySeat, UserCreate, UserUpdate
from app.auth import hash_password, password_hash
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import Council, Membership, User


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


def update_user(*, session: Session, user: User, user_in: UserUpdate, by: User) -> User:
    """A site admin changes an account; nobody locks themselves out."""
    changes = user_in.model_dump(exclude_unset=True)
    if user.id == by.id and (changes.get("is_active") is False or changes.get("is_site_admin") is False):
        raise Forbidden("You cannot deactivate yourself or remove your own admin rights.")
    if "password" in changes:
        user.password_hash = hash_password(changes.pop("password"))
    for field in ("name", "is_active", "is_site_admin", "can_create_councils"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    session.add(user)
    session.flush()
    return user


def update_me(*, session: Session, user: User, me_in: MeUpdate) -> User:
    """A person changes their own name or password (the current one is required)."""
    if me_in.name is not None:
        user.name = me_in.name
    if me_in.new_password is not None:
        if not me_in.current_password or not password_hash.verify(me_in.current_password, user.password_hash):
            raise Invalid("Your current password is not correct.", field="current_password")
        user.password_hash = hash_password(me_in.new_password)
    session.add(user)
    session.flush()
    return user


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
