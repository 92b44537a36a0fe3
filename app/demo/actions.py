"""The demo's delivery actions: raised to deliver the initiatives, some closed on time and
some late, so each department's action plan on the scorecard has a record to score."""

from datetime import date, timedelta

from sqlmodel import Session, select

from app.demo.people import noon
from app.models import Action, ActionDueRequest, ActionEvent, Council, Initiative, Meeting, MeetingStatus, Membership

# Actions that delivered (or are delivering) the initiatives, so each department's action
# plan has a record to score: (initiative, owner, title, due days ago, closed days ago or None).
DELIVERY_ACTIONS = [
    ("Fault-diagnosis checklist on every call", "callcentre@example.com", "Trial the checklist with one team", 50, 52),
    (
        "Fault-diagnosis checklist on every call",
        "callcentre@example.com",
        "Train every team leader on the checklist",
        35,
        33,
    ),
    (
        "Van stock of parts for the new boiler model",
        "field@example.com",
        "List the parts missing on repeat visits to the new boiler model",
        45,
        47,
    ),
    (
        "Plain-English explanation of estimated bills",
        "billing@example.com",
        "Draft the plain-English note for the first bill after a move",
        25,
        26,
    ),
    (
        "Engineer arrival window by SMS and in the app",
        "digital@example.com",
        "Agree the arrival-window feed with the scheduling team",
        12,
        None,
    ),
    (
        "Give ContactPlus agents the fault-diagnosis checklist",
        "supplier@example.com",
        "Send the checklist to ContactPlus team leaders",
        20,
        18,
    ),
]


def load_delivery_actions_demo(
    *,
    session: Session,
    council: Council,
    seats: dict[str, Membership],
    initiatives: dict[str, Initiative],
    meetings: list[Meeting],
    today: date,
) -> list[Action]:
    """The actions delivering `initiatives` (by title), each with its history."""
    held = [m for m in meetings if m.status == MeetingStatus.held]
    chair = next((seat for seat in seats.values() if seat.role == "chair"), None)
    actions = []
    for title, email, action_title, due_days_ago, closed_days_ago in DELIVERY_ACTIONS:
        owner, due_on = seats[email], today - timedelta(days=due_days_ago)
        raised = max((m for m in held if m.scheduled_at.date() < due_on), key=lambda m: m.scheduled_at, default=None)
        raised_at = raised.scheduled_at if raised else noon(due_on - timedelta(days=30))
        closed_at = noon(today - timedelta(days=closed_days_ago)) if closed_days_ago is not None else None
        action = Action(
            council_id=council.id,
            title=action_title,
            owner_id=owner.id,
            department_id=owner.department_id,
            due_on=due_on,
            status="done" if closed_at else "open",
            percent_complete=100 if closed_at else 0,
            raised_at_meeting_id=raised.id if raised else None,
            raised_at_item=5,
            initiative_id=initiatives[title].id,
            version=2 if closed_at else 1,
            closed_at=closed_at,
            created_at=raised_at,
            updated_at=closed_at or raised_at,
        )
        session.add(action)
        session.flush()
        actions.append(action)
        session.add(
            ActionEvent(
                action_id=action.id,
                user_id=chair.user_id if chair else None,
                created_at=raised_at,
                changes={"created": [None, action_title]},
            )
        )
        if closed_at:
            session.add(
                ActionEvent(
                    action_id=action.id,
                    user_id=owner.user_id,
                    created_at=closed_at,
                    changes={"status": ["open", "done"], "percent_complete": [0, 100]},
                    note="Done.",
                )
            )
    return actions


# Raised on the action log between meetings by a member for their own department (the council
# lets members do so), with a short comment thread: (email, text, days after it was raised).
BETWEEN_MEETINGS = (
    "field@example.com",
    "Brief night-shift engineers on the storm callout rota",
    "Storm warnings came in after the last council: night-shift engineers need the callout rota before December.",
)
COMMENTS = [
    (
        "callcentre@example.com",
        "The call centre's storm script points callers to the rota: please share it with us.",
        1,
    ),
    ("field@example.com", "Will do: draft rota attached to the Field Engineering report.", 2),
    ("chair@example.com", "Thanks both; let's confirm it under Any other business.", 3),
]


def load_between_meetings_demo(
    *, session: Session, council: Council, seats: dict[str, Membership], today: date
) -> Action:
    """An action a member raised between meetings for their own department, and its comments."""
    council.members_raise_actions = True
    session.add(council)
    email, title, description = BETWEEN_MEETINGS
    owner = seats[email]
    raised_at = noon(today - timedelta(days=5))
    action = Action(
        council_id=council.id,
        title=title,
        description=description,
        owner_id=owner.id,
        department_id=owner.department_id,
        due_on=today + timedelta(days=14),  # the next meeting's date, the form's default
        created_at=raised_at,
        updated_at=raised_at,
    )
    session.add(action)
    session.flush()
    session.add(
        ActionEvent(
            action_id=action.id, user_id=owner.user_id, created_at=raised_at, changes={"created": [None, title]}
        )
    )
    for author, text, days in COMMENTS:
        session.add(
            ActionEvent(
                action_id=action.id,
                user_id=seats[author].user_id,
                created_at=raised_at + timedelta(days=days),
                note=text,
                is_comment=True,
            )
        )
    session.flush()
    return action


# An owner asked to move a due date; the council has the chair approve such moves, so it
# waits on the chair's home page: (owner, action title, days later, reason, asked days ago).
DUE_REQUEST = (
    "digital@example.com",
    "Show the engineer's arrival window in the app and by SMS",
    21,
    "The scheduling team now expects the arrival-window feed at the end of next month.",
    1,
)


def load_due_request_demo(*, session: Session, council: Council, seats: dict[str, Membership], today: date) -> None:
    """One due-date change waiting for the demo chair (the council asks for approval of owners' moves)."""
    council.due_moves_need_approval = True
    session.add(council)
    email, title, days, reason, ago = DUE_REQUEST
    owner = seats[email]
    action = session.exec(select(Action).where(Action.council_id == council.id, Action.title == title)).one()
    asked_at = noon(today - timedelta(days=ago))
    to_date = action.due_on + timedelta(days=days)
    session.add(
        ActionDueRequest(
            council_id=council.id,
            action_id=action.id,
            requested_by_id=owner.user_id,
            from_date=action.due_on,
            to_date=to_date,
            reason=reason,
            created_at=asked_at,
        )
    )
    session.add(
        ActionEvent(
            action_id=action.id,
            user_id=owner.user_id,
            created_at=asked_at,
            changes={"due_on_requested": [action.due_on.isoformat(), to_date.isoformat()]},
            note=reason,
        )
    )
    session.flush()
