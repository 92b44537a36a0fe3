"""The demo council's initiatives, relative to `today`, with the actions delivering them
(app/demo/actions.py) and the department reports (app/demo/reports.py).

The story: a call costs about £3 and an engineer visit about £150. The fault-diagnosis
checklist is under way; several proposals wait to be ranked (different impact, savings
and effort, so the ranking means something); one idea was rejected because it would
have made the experience worse. Departments have reported to the last meeting and are
reporting to the next one, one of them not yet. A few actions raised to deliver the
initiatives, some closed on time and some late, give each department's action plan on
the scorecard a record to score.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.demo.actions import load_delivery_actions_demo
from app.demo.people import BILLING, CALL, DIGITAL, FIELD, SUPPLIER, noon
from app.demo.reports import load_reports_demo
from app.models import (
    Council,
    Department,
    Initiative,
    InitiativeDepartment,
    InitiativeMeasure,
    Measure,
    Meeting,
    Membership,
    Reading,
)


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


def _baseline(session: Session, measure: Measure, on: date) -> Reading | None:
    """The reading that stood when the work began: the latest on or before `on`, else the first."""
    readings = list(session.exec(select(Reading).where(Reading.measure_id == measure.id).order_by(col(Reading.period))))
    before = [r for r in readings if r.period <= on]
    return before[-1] if before else (readings[0] if readings else None)


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
        proposed_at = noon(today - timedelta(days=spec.proposed_days_ago))
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

    actions = load_delivery_actions_demo(
        session=session, council=council, seats=seats, initiatives=initiatives, meetings=meetings, today=today
    )
    reports = load_reports_demo(session=session, seats=seats, departments=departments, meetings=meetings, today=today)
    return {"initiatives": initiatives, "actions": actions, "reports": reports}
