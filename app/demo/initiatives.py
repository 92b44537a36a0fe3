"""The demo council's initiatives and department reports, relative to `today`.

The story: a call costs about £3 and an engineer visit about £150. The fault-diagnosis
checklist is under way; several proposals wait to be ranked (different impact, savings
and effort, so the ranking means something); one idea was rejected because it would
have made the experience worse. Departments have reported to the last meeting and are
reporting to the next one, one of them not yet. A few actions raised to deliver the
initiatives, some closed on time and some late, give each department's action plan on
the scorecard a record to score.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.models import (
    Action,
    ActionEvent,
    Council,
    Department,
    DepartmentReport,
    Initiative,
    InitiativeDepartment,
    InitiativeMeasure,
    Measure,
    Meeting,
    MeetingStatus,
    Membership,
    Reading,
)

CALL, FIELD, BILLING, DIGITAL = "Call Centre", "Field Engineering", "Billing", "Digital"
SUPPLIER = "ContactPlus (outsourced contact centre)"


@dataclass(frozen=True)
class DemoInitiative:
    title: str
    description: str
    status: str
    proposed_by: str  # email
    owner: str | None
    departments: tuple[str, ...]
    volume: int
    unit_cost: float
    implementation_cost: float
    impact: int | None
    effort: int | None
    fit: int | None
    confidence: int | None
    proposed_days_ago: int
    rag: str | None = None
    percent: int = 0
    start_in_days: int | None = None
    target_in_days: int | None = None
    measures: tuple[str, ...] = field(default=())


INITIATIVES = [
    DemoInitiative(
        "Fault-diagnosis checklist on every call",
        "Agents ask five fault questions and record the boiler model, so the engineer arrives with the right "
        "parts. A call costs about £3; a repeat visit about £150.",
        "in_progress",
        "field@example.com",
        "callcentre@example.com",
        (CALL, FIELD),
        2000,
        150,
        60000,
        5,
        2,
        5,
        4,
        120,
        rag="amber",
        percent=55,
        start_in_days=-70,
        target_in_days=50,
        measures=("First-contact resolution", "Repeat engineer visits", "Cost of repeat visits"),
    ),
    DemoInitiative(
        "Engineer arrival window by SMS and in the app",
        "Customers phone to ask when the engineer will come; tell them first, and again when the engineer "
        "is on the way.",
        "approved",
        "digital@example.com",
        "digital@example.com",
        (DIGITAL, FIELD, CALL),
        9000,
        3,
        35000,
        4,
        3,
        4,
        4,
        75,
        rag="green",
        percent=10,
        start_in_days=7,
        target_in_days=120,
    ),
    DemoInitiative(
        "Plain-English explanation of estimated bills",
        "The first bill after a move explains the estimate and how to send a meter read.",
        "proposed",
        "billing@example.com",
        "billing@example.com",
        (BILLING,),
        6000,
        3,
        8000,
        4,
        1,
        3,
        4,
        30,
        measures=("Comments about estimated bills",),
    ),
    DemoInitiative(
        "Van stock of parts for the new boiler model",
        "Half of this year's repeat visits on the new boiler model were for a part the van did not carry.",
        "proposed",
        "field@example.com",
        "field@example.com",
        (FIELD,),
        1200,
        150,
        90000,
        4,
        4,
        4,
        3,
        24,
        measures=("Repeat engineer visits",),
    ),
    DemoInitiative(
        "Give ContactPlus agents the fault-diagnosis checklist",
        "Evening and overflow fault calls go to our supplier, whose agents still take thin fault reports.",
        "proposed",
        "supplier@example.com",
        "supplier@example.com",
        (SUPPLIER, FIELD),
        800,
        150,
        15000,
        4,
        2,
        5,
        3,
        18,
    ),
    DemoInitiative(
        "Self-service meter reads in the app",
        "Let customers send a read with a photo instead of calling.",
        "proposed",
        "digital@example.com",
        None,
        (DIGITAL, BILLING),
        15000,
        3,
        40000,
        3,
        3,
        None,
        2,
        10,
    ),
    DemoInitiative(
        "Shorter call-handling target for the call centre",
        "Rejected: a faster call is a thinner fault report, and the repeat visit costs fifty times the call.",
        "rejected",
        "secretary@example.com",
        None,
        (CALL,),
        0,
        0,
        5000,
        1,
        1,
        1,
        3,
        90,
    ),
]

# (department, summary, improvements, best practice) for the last held meeting, then the next.
# The figures quoted are the demo's readings (app/measures/demo.py): the held meeting (three
# weeks ago) quotes the month before last, the next meeting quotes last month.
HELD_REPORTS = [
    (
        CALL,
        "First-contact resolution up from 71% to 74% on the quarter; calls about faults down 4%.",
        "Trialling the fault-diagnosis checklist with one team before rolling it out.",
        "Agents read the engineer's note back to the customer before ending the call.",
    ),
    (
        FIELD,
        "Repeat visits up to 11.5% of jobs; 'wrong part' is the top reason.",
        "Sharing 'no access' and 'wrong part' reasons with the call centre every week.",
        "",
    ),
    (
        BILLING,
        "Comments about estimated bills down to 13.9% of negative comments.",
        "Drafting a plain-English explanation for the first bill after a move.",
        "",
    ),
    (
        SUPPLIER,
        "86% of overflow calls answered within 60 seconds, above the 80% target.",
        "Moving agents' measure from average call time to first-contact resolution.",
        "",
    ),
]
NEXT_REPORTS = [
    (
        CALL,
        "First-contact resolution 76%, above the 75% target for the first time.",
        "The checklist is live for 3 of 5 teams; the rest follow this month.",
        "",
    ),
    (
        FIELD,
        "Repeat visits still rising, now 11.8% of jobs; the checklist teams' jobs are at 9%.",
        "Proposing van stock for the new boiler model; the worst-hit patch first.",
        "Before a visit we ask the customer by SMS for a photo of the boiler's data plate: most reply within "
        "minutes, and the right part is on the van.",
    ),
    (
        BILLING,
        "Comments about estimated bills down to 13.5%, still above the 10% target.",
        "Plain-English explanation proposed to the council; meter-read reminders by SMS.",
        "",
    ),
    (
        DIGITAL,
        "App rating 4.3; 'where is my engineer' is the top app review theme.",
        "Arrival window by SMS and in the app is approved and starts next week.",
        "",
    ),
]


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


def _baseline(session: Session, measure: Measure, on: date) -> Reading | None:
    """The reading that stood when the work began: the latest on or before `on`, else the first."""
    readings = list(session.exec(select(Reading).where(Reading.measure_id == measure.id).order_by(col(Reading.period))))
    before = [r for r in readings if r.period <= on]
    return before[-1] if before else (readings[0] if readings else None)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def load_initiatives_demo(
    *,
    session: Session,
    council: Council,
    seats: dict[str, Membership],
    departments: dict[str, Department],
    meetings: list[Meeting],
    measures: dict[str, Measure] | None,
    today: date,
) -> dict:
    """Create the demo initiatives, the actions delivering them, and department reports to two meetings.

    Returns {"initiatives": {title: Initiative}, "actions": [Action], "reports": {meeting_id: [DepartmentReport]}}.
    """
    initiatives: dict[str, Initiative] = {}
    for spec in INITIATIVES:
        proposed_at = _noon(today - timedelta(days=spec.proposed_days_ago))
        start_on = today + timedelta(days=spec.start_in_days) if spec.start_in_days is not None else None
        initiative = Initiative(
            council_id=council.id,
            title=spec.title,
            description=spec.description,
            status=spec.status,
            proposed_by_id=seats[spec.proposed_by].id,
            owner_id=seats[spec.owner].id if spec.owner else None,
            start_on=start_on,
            target_on=today + timedelta(days=spec.target_in_days) if spec.target_in_days is not None else None,
            rag=spec.rag,
            percent_complete=spec.percent,
            failure_volume_per_year=spec.volume,
            unit_cost=spec.unit_cost,
            implementation_cost=spec.implementation_cost,
            customer_impact=spec.impact,
            effort=spec.effort,
            strategic_fit=spec.fit,
            confidence=spec.confidence,
            created_at=proposed_at,
            updated_at=proposed_at,
        )
        session.add(initiative)
        session.flush()
        initiatives[spec.title] = initiative
        for name in spec.departments:
            session.add(InitiativeDepartment(initiative_id=initiative.id, department_id=departments[name].id))
        for name in spec.measures:
            measure = (measures or {}).get(name)
            if measure is None:
                continue
            reading = _baseline(session, measure, start_on or today)
            session.add(
                InitiativeMeasure(
                    initiative_id=initiative.id,
                    measure_id=measure.id,
                    baseline_value=reading.value if reading else None,
                    baseline_on=reading.period if reading else None,
                )
            )
    session.flush()

    held = [m for m in meetings if m.status == MeetingStatus.held]
    chair = next((seat for seat in seats.values() if seat.role == "chair"), None)
    actions = []
    for title, email, action_title, due_days_ago, closed_days_ago in DELIVERY_ACTIONS:
        owner, due_on = seats[email], today - timedelta(days=due_days_ago)
        raised = max((m for m in held if m.scheduled_at.date() < due_on), key=lambda m: m.scheduled_at, default=None)
        raised_at = raised.scheduled_at if raised else _noon(due_on - timedelta(days=30))
        closed_at = _noon(today - timedelta(days=closed_days_ago)) if closed_days_ago is not None else None
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

    upcoming = [m for m in meetings if m.status == MeetingStatus.scheduled and m.scheduled_at.date() >= today]
    authors = {seat.department_id: seat.user_id for seat in seats.values() if seat.department_id is not None}
    reports: dict[int, list[DepartmentReport]] = {}
    for meeting, specs in [
        (max(held, key=lambda m: m.scheduled_at) if held else None, HELD_REPORTS),
        (min(upcoming, key=lambda m: m.scheduled_at) if upcoming else None, NEXT_REPORTS),
    ]:
        if meeting is None:
            continue
        written_at = meeting.scheduled_at - timedelta(days=3)
        reports[meeting.id] = []
        for name, summary, improvements, best_practice in specs:
            department = departments[name]
            report = DepartmentReport(
                meeting_id=meeting.id,
                department_id=department.id,
                author_id=authors.get(department.id),
                summary=summary,
                improvements=improvements,
                best_practice=best_practice,
                created_at=min(written_at, _noon(today)),
                updated_at=min(written_at, _noon(today)),
            )
            session.add(report)
            reports[meeting.id].append(report)
    session.flush()
    return {"initiatives": initiatives, "actions": actions, "reports": reports}
