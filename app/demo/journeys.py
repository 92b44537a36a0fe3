"""Demo journeys, research and a five-whys root cause for the demo utility council.

The "No supply" journey carries the domain's story: thin fault reports from a call centre
measured on call speed send engineers out without the right parts. It has one step
nobody owns (the follow-up call after a repair) and one step two departments own
(booking the engineer, done by both the in-house call centre and the outsourced one).
"""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.models import (
    Action,
    Council,
    Department,
    Initiative,
    Journey,
    JourneyStep,
    Measure,
    Membership,
    Research,
    ResearchInitiative,
    ResearchMeasure,
    RootCause,
    RootCauseAction,
    RootCauseInitiative,
    StepDepartment,
)

CALLS = "Call Centre"
FIELD = "Field Engineering"
BILLING = "Billing"
DIGITAL = "Digital"
SUPPLIER = "ContactPlus (outsourced contact centre)"

# (name, channel, description, {department: responsibility})
NO_SUPPLY_STEPS = [
    (
        "Report the fault",
        "Phone",
        "Customer rings the fault line; evenings and overflow go to ContactPlus.",
        {CALLS: "owns", SUPPLIER: "contributes", DIGITAL: "contributes"},
    ),
    (
        "Diagnose on the call",
        "Phone",
        "Whole street or one home? Trip switch tried? Any smell of burning?",
        {CALLS: "owns", FIELD: "contributes"},
    ),
    (
        "Book an engineer",
        "Phone",
        "Both contact centres book into the same diary, each to its own rules.",
        {CALLS: "owns", SUPPLIER: "owns"},
    ),
    ("Arrival window by SMS and app", "SMS / app", "", {DIGITAL: "owns", FIELD: "contributes"}),
    ("Engineer visit", "Home visit", "", {FIELD: "owns"}),
    ("Repair and restore supply", "Home visit", "", {FIELD: "owns"}),
    (
        "Follow-up: is the power still on?",
        "Phone",
        "Nobody calls back; customers ring again if the fault returns.",
        {CALLS: "contributes", FIELD: "contributes"},
    ),
    (
        "Bill adjustment and compensation",
        "Letter / email",
        "Guaranteed-standards payment for long outages.",
        {BILLING: "owns", CALLS: "contributes"},
    ),
]

MOVING_STEPS = [
    ("Tell us you are moving", "Web", "", {DIGITAL: "owns", CALLS: "contributes"}),
    ("Final meter reading", "App / web", "", {BILLING: "owns", DIGITAL: "contributes"}),
    ("Final bill", "Email", "", {BILLING: "owns"}),
    ("Welcome at the new address", "Phone", "", {CALLS: "owns", SUPPLIER: "contributes"}),
]

# What each piece of research informs: (measure names, initiative titles). The measures and
# initiatives are loaded after the journeys, so these are linked once they exist.
RESEARCH_LINKS = {
    "complaints": (
        ("Repeat engineer visits", "Cost of repeat visits"),
        ("Fault-diagnosis checklist on every call", "Van stock of parts for the new boiler model"),
    ),
    "survey": (
        ("Customer satisfaction (CSAT)", "Customer effort score"),
        ("Engineer arrival window by SMS and in the app",),
    ),
    "mystery_shopping": (
        ("First-contact resolution",),
        ("Give ContactPlus agents the fault-diagnosis checklist",),
    ),
}
# The initiatives that address the root cause (thin diagnosis on the call, in-house and outsourced).
ROOT_CAUSE_INITIATIVES = (
    "Fault-diagnosis checklist on every call",
    "Give ContactPlus agents the fault-diagnosis checklist",
)

# Each answer to "why?", in order, starting from the theme.
WHYS = [
    "The job sheet said only 'no power', so the engineer loaded the van for the commonest fault.",
    "The agent did not ask whether the whole street was off or just one home, or whether the trip switch "
    "had been tried.",
    "The call script has no diagnosis section: it goes straight from the address to booking a visit.",
    "The script was shortened to meet the call centre's average-handling-time target.",
    "Each department is measured on its own cost: nobody owns the £150 repeat visit that a £3 longer call "
    "would prevent.",
]


def _journey(
    session: Session, council: Council, name: str, description: str, owner: Membership, steps, departments
) -> Journey:
    journey = Journey(council_id=council.id, name=name, description=description, owner_id=owner.id)
    session.add(journey)
    session.flush()
    for position, (step_name, channel, step_description, roles) in enumerate(steps, start=1):
        step = JourneyStep(
            journey_id=journey.id, position=position, name=step_name, channel=channel, description=step_description
        )
        session.add(step)
        session.flush()
        for department_name, responsibility in roles.items():
            session.add(
                StepDepartment(
                    step_id=step.id, department_id=departments[department_name].id, responsibility=responsibility
                )
            )
    session.flush()
    return journey


def _matching(session: Session, model, council: Council, name_col, *words: str) -> list[int]:
    """Ids of the council's records whose name contains every word (case-insensitive)."""
    query = select(model.id).where(model.council_id == council.id)
    for word in words:
        query = query.where(col(name_col).ilike(f"%{word}%"))
    return list(session.exec(query.order_by(model.id)).all())


def load_journeys_demo(
    *,
    session: Session,
    council: Council,
    seats: dict[str, Membership],
    departments: dict[str, Department],
    today: date,
) -> dict:
    """Two journeys, three pieces of research and a five-whys root cause, dated relative to `today`."""
    no_supply = _journey(
        session,
        council,
        "No supply / power cut",
        "From the moment the lights go out to a corrected bill.",
        seats["field@example.com"],
        NO_SUPPLY_STEPS,
        departments,
    )
    moving = _journey(
        session,
        council,
        "Moving home",
        "Closing the old account and opening the new one without a surprise bill.",
        seats["billing@example.com"],
        MOVING_STEPS,
        departments,
    )

    def author(email: str) -> int:
        return seats[email].user_id

    complaints = Research(
        council_id=council.id,
        title="Complaints analysis: repeat engineer visits",
        conducted_on=today - timedelta(days=75),
        method="complaints_analysis",
        summary="1,240 complaints about power cuts over six months, coded by theme.",
        findings="31% mention a second visit. The top reason given by engineers is 'wrong or missing parts'; "
        "job sheets for those visits average 9 words.",
        created_by_id=author("field@example.com"),
    )
    survey = Research(
        council_id=council.id,
        title="Post-visit survey after power-cut repairs",
        conducted_on=today - timedelta(days=35),
        method="survey",
        summary="SMS survey the day after each repair; 412 replies.",
        findings="Customers forgive the fault but not the wait: satisfaction falls from 8.1 to 4.6 when a second "
        "visit is needed. Most helped: the arrival-window text. Most hindered: repeating the story to each person.",
        link="https://intranet.example.com/research/post-visit-survey",
        created_by_id=author("callcentre@example.com"),
    )
    mystery = Research(
        council_id=council.id,
        title="Mystery shopping the evening fault line",
        conducted_on=today - timedelta(days=9),
        method="mystery_shopping",
        summary="40 calls to ContactPlus between 6 pm and 10 pm.",
        findings="Agents book a visit in under three minutes but ask a diagnosis question on only 11 of 40 calls.",
        created_by_id=author("supplier@example.com"),
    )
    session.add_all([complaints, survey, mystery])
    session.flush()
    # The measures and initiatives they inform are loaded later: link_research_demo ties them.

    root_cause = RootCause(
        council_id=council.id,
        theme="Engineers arriving without the right parts",
        whys=WHYS,
        root_cause="Call-centre scripts, written to a call-speed target, leave out fault diagnosis: no department "
        "owns the end-to-end cost of a repeat visit.",
        research_id=complaints.id,
        created_by_id=author("chair@example.com"),
    )
    session.add(root_cause)
    session.flush()
    actions = _matching(session, Action, council, Action.title, "call script")
    for action_id in actions[:1]:
        session.add(RootCauseAction(root_cause_id=root_cause.id, action_id=action_id))
    session.flush()
    return {
        "journeys": {"no_supply": no_supply, "moving_home": moving},
        "research": {"complaints": complaints, "survey": survey, "mystery_shopping": mystery},
        "root_causes": {"parts": root_cause},
    }


def link_research_demo(*, session: Session, council: Council, loaded: dict) -> None:
    """Tie the demo's research and root cause to the measures and initiatives loaded after them.

    `loaded` is what load_journeys_demo returned. Links already there are left alone.
    """

    def ids(model, name_col, names) -> list[int]:
        if not names:
            return []
        rows = session.exec(
            select(model.id, name_col).where(model.council_id == council.id, col(name_col).in_(names))
        ).all()
        by_name = {name: id_ for id_, name in rows}
        return [by_name[name] for name in names if name in by_name]

    def add_missing(link_model, owner_field: str, owner_id: int, other_field: str, other_ids: list[int]) -> None:
        existing = set(
            session.exec(
                select(getattr(link_model, other_field)).where(getattr(link_model, owner_field) == owner_id)
            ).all()
        )
        for other_id in other_ids:
            if other_id not in existing:
                session.add(link_model(**{owner_field: owner_id, other_field: other_id}))

    for key, (measure_names, initiative_titles) in RESEARCH_LINKS.items():
        research = loaded["research"][key]
        add_missing(
            ResearchMeasure, "research_id", research.id, "measure_id", ids(Measure, Measure.name, measure_names)
        )
        add_missing(
            ResearchInitiative,
            "research_id",
            research.id,
            "initiative_id",
            ids(Initiative, Initiative.title, initiative_titles),
        )
    root_cause = loaded["root_causes"]["parts"]
    add_missing(
        RootCauseInitiative,
        "root_cause_id",
        root_cause.id,
        "initiative_id",
        ids(Initiative, Initiative.title, ROOT_CAUSE_INITIATIVES),
    )
    session.flush()
