"""Due-date requests: where the council wants the chair to approve an owner's move of a due date
(`councils.due_moves_need_approval`), the move waits here until the chair approves or refuses it.

An owner asking again while a request is pending replaces it (the older one is marked
"replaced"): the chair decides on the latest date asked for. Each request and each decision
is a line of the action's history, and the decision is mailed to the owner who asked.
"""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.actions.mail import mail_due_decided, mail_due_moved
from app.auth import Access
from app.errors import Conflict, NotFound
from app.models import (
    Action,
    ActionDueRequest,
    ActionEvent,
    Council,
    DueRequestStatus,
    Membership,
    Role,
    User,
    utcnow,
)


def needs_approval(*, access: Access) -> bool:
    """An owner's move waits for the chair where the council asks it; chair and secretary move dates at once."""
    return access.council.due_moves_need_approval and not access.is_(Role.chair, Role.secretary)


def pending_request(*, session: Session, action: Action) -> ActionDueRequest | None:
    """The action's request waiting for the chair, if any."""
    return session.exec(
        select(ActionDueRequest).where(
            ActionDueRequest.action_id == action.id, ActionDueRequest.status == DueRequestStatus.pending
        )
    ).first()


def settle_pending(*, session: Session, action: Action) -> None:
    """A due date the chair or secretary set directly supersedes the owner's request still waiting: it is
    marked replaced, so it cannot be approved later over the date just set."""
    pending = pending_request(session=session, action=action)
    if pending is not None:
        pending.status = DueRequestStatus.replaced
        session.add(pending)


def ask_due_move(*, session: Session, access: Access, action: Action, to_date: date, reason: str) -> ActionDueRequest:
    """Record an owner's wish to move the due date (replacing one still pending) and tell the chair and secretary."""
    earlier = pending_request(session=session, action=action)
    if earlier is not None:
        earlier.status = DueRequestStatus.replaced
        session.add(earlier)
    request = ActionDueRequest(
        council_id=action.council_id,
        action_id=action.id,
        requested_by_id=access.user.id,
        from_date=action.due_on,
        to_date=to_date,
        reason=reason,
    )
    session.add(request)
    session.add(
        ActionEvent(
            action_id=action.id,
            user_id=access.user.id,
            changes={"due_on_requested": [action.due_on.isoformat(), to_date.isoformat()]},
            note=reason,
        )
    )
    session.flush()
    mail_due_moved(
        session=session,
        council=access.council,
        action=action,
        by=access.user,
        from_date=action.due_on,
        to_date=to_date,
        reason=reason,
        request=request,
    )
    return request


def get_request(*, session: Session, action: Action, request_id: int) -> ActionDueRequest:
    """One of the action's due-date requests, or 404."""
    request = session.get(ActionDueRequest, request_id)
    if request is None or request.action_id != action.id:
        raise NotFound("Due date request not found.")
    return request


def decide_due_request(
    *, session: Session, access: Access, action: Action, request: ActionDueRequest, approve: bool, note: str = ""
) -> ActionDueRequest:
    """The chair approves (the due date moves) or refuses (it stays) a pending request; recorded and mailed."""
    access.require(Role.chair, doing="approve or refuse due date changes")
    if request.status != DueRequestStatus.pending:
        raise Conflict(f"This request was already {request.status}; nothing to decide.")
    if action.archived_at is not None:
        raise Conflict("This action is archived: the chair or a site admin can restore it first.")
    request.status = DueRequestStatus.approved if approve else DueRequestStatus.refused
    request.decided_by_id = access.user.id
    request.decided_at = utcnow()
    request.note = note
    session.add(request)
    asked = [request.from_date.isoformat(), request.to_date.isoformat()]
    if approve:
        changes = (
            {"due_on": [action.due_on.isoformat(), request.to_date.isoformat()]}
            if action.due_on != request.to_date
            else {}
        )
        action.due_on = request.to_date
        action.updated_at = utcnow()
        session.add(action)
        changes["due_on_approved"] = asked
    else:
        changes = {"due_on_refused": asked}
    session.add(ActionEvent(action_id=action.id, user_id=access.user.id, changes=changes, note=note))
    session.flush()
    mail_due_decided(session=session, council=access.council, action=action, request=request, by=access.user)
    return request


@dataclass(frozen=True)
class WaitingRequest:
    """A pending request as the chair's home page lists it."""

    request: ActionDueRequest
    action: Action
    council: Council
    requested_by: str


def list_waiting_for_chair(*, session: Session, user: User) -> list[WaitingRequest]:
    """Pending due-date requests in every council `user` chairs, oldest first."""
    rows = session.exec(
        select(ActionDueRequest, Action, Council, User.name)
        .join(Action, Action.id == ActionDueRequest.action_id)
        .join(Council, Council.id == ActionDueRequest.council_id)
        .join(Membership, (Membership.council_id == Council.id) & (Membership.user_id == user.id))
        .outerjoin(User, User.id == ActionDueRequest.requested_by_id)
        .where(ActionDueRequest.status == DueRequestStatus.pending, Membership.role == Role.chair)
        .order_by(col(ActionDueRequest.created_at), col(ActionDueRequest.id))
    )
    return [
        WaitingRequest(request, action, council, name or "A former member") for request, action, council, name in rows
    ]
