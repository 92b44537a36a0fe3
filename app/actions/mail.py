"""The action log's mail: an action assigned to you, a due date moved, your request decided.

Each function queues mail with `notify` in the caller's transaction (nothing is sent
here; a rolled-back request queues nothing). Settings come with the session
(app.db.settings_of), so the services that call these need no extra argument.
"""

from datetime import date

from sqlmodel import Session

from app.db import settings_of
from app.models import Action, ActionDueRequest, Council, Role, User
from app.notifications.recipients import role_recipients, seat_recipients
from app.notifications.service import Recipient, notify


def _link(action: Action) -> str:
    return f"/actions/{action.id}"


def mail_assigned(*, session: Session, council: Council, action: Action, by: User, reassigned: bool) -> None:
    """Tell an action's new owner it is theirs (not when they assigned it to themselves)."""
    owners = [r for r in seat_recipients(session, [action.owner_id]) if r.user_id != by.id]
    notify(
        session,
        settings_of(session),
        kind="action_assigned",
        council=council,
        recipients=owners,
        subject=f"Action for you: {action.title} (due {action.due_on.day} {action.due_on:%b %Y})",
        template="action_assigned",
        context={"action": action, "by": by.name, "reassigned": reassigned},
        link=_link(action),
    )


def mail_due_moved(
    *,
    session: Session,
    council: Council,
    action: Action,
    by: User,
    from_date: date,
    to_date: date,
    reason: str,
    request: ActionDueRequest | None = None,
) -> None:
    """Tell the chair and secretary an owner moved a due date, or asks to (`request`, waiting for the chair)."""
    managers = [r for r in role_recipients(session, council, roles=(Role.chair, Role.secretary)) if r.user_id != by.id]
    chairs = {r.user_id for r in role_recipients(session, council, roles=(Role.chair,))}
    verb = "asks to move" if request is not None else "moved"
    notify(
        session,
        settings_of(session),
        kind="due_date_moved",
        council=council,
        recipients=managers,
        subject=f"{by.name} {verb} the due date of {action.title}",
        template="due_date_moved",
        context={
            "action": action,
            "by": by.name,
            "from_date": from_date,
            "to_date": to_date,
            "reason": reason,
            "pending": request is not None,
            # Only the chair decides; the secretary is told.
            "chair_ids": chairs,
        },
        link=_link(action),
    )


def mail_due_decided(
    *, session: Session, council: Council, action: Action, request: ActionDueRequest, by: User
) -> None:
    """Tell the owner who asked whether the chair approved or refused their new due date."""
    asker = session.get(User, request.requested_by_id) if request.requested_by_id else None
    if asker is None or asker.id == by.id or not asker.is_active:
        return
    approved = request.status == "approved"
    notify(
        session,
        settings_of(session),
        kind="due_move_decided",
        council=council,
        recipients=[Recipient(asker.id, asker.name, asker.email)],
        subject=f"New due date {'approved' if approved else 'refused'}: {action.title}",
        template="due_move_decided",
        context={"action": action, "request": request, "by": by.name, "approved": approved},
        link=_link(action),
    )
