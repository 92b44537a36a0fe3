"""The demo's delivery actions: raised to deliver the initiatives, some closed on time and
some late, so each department's action plan on the scorecard has a record to score."""

from datetime import date, timedelta

from sqlmodel import Session

from app.demo.people import noon
from app.models import Action, ActionEvent, Council, Initiative, Meeting, MeetingStatus, Membership

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
