"""Seats by invitation: a chair invites an email, and only the person behind it can take the seat.

Inviting answers the same whether or not the email has an account, so the form tells no
one who has one. The link's secret is stored as its SHA-256 only; resending makes a new
secret (the old link stops working) and a new expiry. Nothing here queues mail or commits:
`invitation_mail.queue_invitation` queues the link's mail in the same transaction.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.accounts.service import get_user_by_email, normalise_email
from app.auth import hash_password
from app.councils.invitation_schemas import InvitationCreate, InvitationPublic, MyInvitation, NewAccountIn
from app.councils.service import check_department
from app.errors import AppError, Conflict, NotFound
from app.models import Council, Department, Invitation, InvitationStatus, Membership, User, utcnow


class InvitationClosed(AppError):
    """An invitation that can no longer be answered: it expired or the chair withdrew it."""

    status_code = 410


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_secret(invitation: Invitation, *, days: int) -> str:
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = utcnow() + timedelta(days=days)
    invitation.mailed_at = None
    return token


def _seat_of(session: Session, council_id: int, email: str) -> Membership | None:
    return session.exec(
        select(Membership)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.council_id == council_id, User.email == normalise_email(email))
    ).first()


def invite_person(
    *, session: Session, council: Council, invited_by: User, invitation_in: InvitationCreate, days: int
) -> tuple[Invitation, str]:
    """A new invitation and its link's secret; a pending one to the same email is replaced."""
    check_department(session=session, council=council, department_id=invitation_in.department_id, field="department_id")
    email = normalise_email(invitation_in.email)
    if _seat_of(session, council.id, email) is not None:
        # The chair sees the member list anyway, so this tells nobody anything new.
        raise Conflict(f"{email} already sits on this council.")
    now = utcnow()
    for earlier in session.exec(
        select(Invitation).where(Invitation.council_id == council.id, Invitation.email == email)
    ):
        if earlier.status(now) in (InvitationStatus.pending, InvitationStatus.expired):
            earlier.revoked_at = now  # superseded: its link must not seat anyone any more
            session.add(earlier)
    invitation = Invitation(
        council_id=council.id,
        email=email,
        name=invitation_in.name,
        role=invitation_in.role,
        department_id=invitation_in.department_id,
        invited_by_id=invited_by.id,
        token_hash="",
        expires_at=now,
    )
    token = _new_secret(invitation, days=days)
    session.add(invitation)
    session.flush()
    return invitation, token


def get_council_invitation(*, session: Session, council: Council, invitation_id: int) -> Invitation:
    """One invitation of this council, or 404 (also for another council's)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.council_id != council.id:
        raise NotFound("Invitation not found.")
    return invitation


def resend_invitation(*, session: Session, invitation: Invitation, days: int) -> str:
    """A new link and a new expiry for an invitation not yet answered (an expired one included)."""
    status = invitation.status(utcnow())
    if status not in (InvitationStatus.pending, InvitationStatus.expired):
        raise Conflict(f"This invitation was {status.value}; invite the person again instead.")
    token = _new_secret(invitation, days=days)
    session.add(invitation)
    session.flush()
    return token


def revoke_invitation(*, session: Session, invitation: Invitation) -> Invitation:
    """Withdraw an invitation not yet answered: its link then seats nobody."""
    status = invitation.status(utcnow())
    if status not in (InvitationStatus.pending, InvitationStatus.expired):
        raise Conflict(f"This invitation was already {status.value}.")
    invitation.revoked_at = utcnow()
    session.add(invitation)
    session.flush()
    return invitation


def mark_mailed(*, session: Session, invitation: Invitation) -> None:
    """Record that the link's mail was queued (the outbox row says when it left)."""
    invitation.mailed_at = utcnow()
    session.add(invitation)
    session.flush()


def _public_rows(session: Session, *where) -> list[InvitationPublic]:
    inviter = aliased(User)
    rows = session.exec(
        select(Invitation, inviter.name, Department.name)
        .where(*where)
        .outerjoin(inviter, inviter.id == Invitation.invited_by_id)
        .outerjoin(Department, col(Department.id) == Invitation.department_id)
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
    )
    now = utcnow()
    return [
        InvitationPublic(
            **invitation.model_dump(exclude={"token_hash", "accepted_by_id"}),
            status=invitation.status(now).value,
            invited_by_name=inviter_name,
            department_name=department_name,
        )
        for invitation, inviter_name, department_name in rows
    ]


def invitation_public(*, session: Session, invitation: Invitation) -> InvitationPublic:
    """One invitation as the chair sees it."""
    return _public_rows(session, Invitation.id == invitation.id)[0]


def list_council_invitations(*, session: Session, council: Council) -> list[InvitationPublic]:
    """Every invitation of the council, newest first: the record of who invited whom and when."""
    return _public_rows(session, Invitation.council_id == council.id)


def list_my_invitations(*, session: Session, user: User) -> list[MyInvitation]:
    """Invitations to my email I can still answer, newest first."""
    inviter = aliased(User)
    now = utcnow()
    rows = session.exec(
        select(Invitation, Council.name, inviter.name, Department.name)
        .join(Council, col(Council.id) == Invitation.council_id)
        .outerjoin(inviter, inviter.id == Invitation.invited_by_id)
        .outerjoin(Department, col(Department.id) == Invitation.department_id)
        .where(
            Invitation.email == user.email,
            col(Invitation.accepted_at).is_(None),
            col(Invitation.declined_at).is_(None),
            col(Invitation.revoked_at).is_(None),
            col(Invitation.expires_at) > now,
        )
        .order_by(col(Invitation.created_at).desc(), col(Invitation.id).desc())
    )
    return [
        MyInvitation(
            id=invitation.id,
            council_id=invitation.council_id,
            council_name=council_name,
            role=invitation.role,
            department_name=department_name,
            invited_by_name=inviter_name,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
        )
        for invitation, council_name, inviter_name, department_name in rows
    ]


def get_my_invitation(*, session: Session, user: User, invitation_id: int) -> Invitation:
    """An invitation addressed to my email; anyone else's does not exist for me."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.email != user.email:
        raise NotFound("Invitation not found.")
    return invitation


def _check_open(invitation: Invitation, now: datetime) -> None:
    status = invitation.status(now)
    if status is InvitationStatus.expired:
        raise InvitationClosed(
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d}; ask the council's chair to send it again."
        )
    if status is InvitationStatus.revoked:
        raise InvitationClosed("This invitation was withdrawn by the council's chair.")
    if status is not InvitationStatus.pending:
        raise Conflict(f"This invitation was already {status.value}.")


def accept_invitation(*, session: Session, user: User, invitation: Invitation) -> Membership:
    """Take the seat the invitation offers; refused when it is closed or I already sit on the council."""
    now = utcnow()
    _check_open(invitation, now)
    if _seat_of(session, invitation.council_id, user.email) is not None:
        raise Conflict("You already sit on this council.")
    seat = Membership(
        council_id=invitation.council_id, user_id=user.id, role=invitation.role, department_id=invitation.department_id
    )
    invitation.accepted_at = now
    invitation.accepted_by_id = user.id
    session.add_all([seat, invitation])
    session.flush()
    return seat


def decline_invitation(*, session: Session, invitation: Invitation) -> Invitation:
    """Say no: nobody is seated and the link stops working."""
    _check_open(invitation, utcnow())
    invitation.declined_at = utcnow()
    session.add(invitation)
    session.flush()
    return invitation


def find_by_token(*, session: Session, token: str) -> Invitation:
    """The invitation an emailed link names, or 404."""
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == hash_token(token))).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid; it may have been replaced by a newer one.")
    return invitation


def token_has_account(*, session: Session, invitation: Invitation) -> bool:
    """Whether the invited email already has an account (told only to the holder of the link)."""
    return get_user_by_email(session=session, email=invitation.email) is not None


def accept_with_new_account(*, session: Session, invitation: Invitation, account_in: NewAccountIn) -> User:
    """Create the invited person's account and seat them, in one step."""
    _check_open(invitation, utcnow())
    if token_has_account(session=session, invitation=invitation):
        raise Conflict("This email already has an account: sign in to accept the invitation.")
    user = User(email=invitation.email, name=account_in.name, password_hash=hash_password(account_in.password))
    session.add(user)
    session.flush()
    accept_invitation(session=session, user=user, invitation=invitation)
    return user
