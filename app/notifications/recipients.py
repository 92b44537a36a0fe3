"""Who receives a council's mail, by seat: the people in given seats, or the council's chair and secretary."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.models import Council, Membership, Role, User
from app.notifications.service import Recipient


def _recipients(session: Session, query) -> list[Recipient]:
    return [Recipient(user.id, user.name, user.email) for user in session.exec(query) if user.is_active]


def seat_recipients(session: Session, seat_ids: Iterable[int]) -> list[Recipient]:
    """The people in these seats (memberships), active accounts only."""
    ids = list(seat_ids)
    if not ids:
        return []
    return _recipients(
        session,
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(col(Membership.id).in_(ids))
        .order_by(col(Membership.id)),
    )


def role_recipients(session: Session, council: Council, *, roles: Iterable[Role]) -> list[Recipient]:
    """The people holding these roles on the council (its chair, its secretary …), active accounts only."""
    return _recipients(
        session,
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id, col(Membership.role).in_(list(roles)))
        .order_by(col(Membership.id)),
    )


def department_recipients(session: Session, council: Council, department_id: int) -> list[Recipient]:
    """The people whose seat on the council is in this department."""
    return _recipients(
        session,
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id, Membership.department_id == department_id)
        .order_by(col(Membership.id)),
    )
