"""The demo's journeys, research and root cause tell the story the council is for."""

from datetime import date, timedelta

from sqlmodel import select

from app.demo import load_demo
from app.journeys import service as journeys
from app.journeys.demo import load_journeys_demo
from app.models import Action, Department, Journey, Membership, RootCauseAction, User
from app.research import service as research

TODAY = date(2026, 3, 18)


def load(session):
    council = load_demo(session=session, today=TODAY)
    departments = {d.name: d for d in session.exec(select(Department).where(Department.council_id == council.id))}
    rows = session.exec(select(Membership, User.email).join(User).where(Membership.council_id == council.id))
    seats = {email: seat for seat, email in rows}
    # The lead's demo may call this already; the test wants exactly one copy.
    if session.exec(select(Journey).where(Journey.council_id == council.id)).first() is None:
        load_journeys_demo(session=session, council=council, seats=seats, departments=departments, today=TODAY)
    session.flush()
    return council


def test_the_power_cut_journey_has_one_gap_one_overlap_and_realistic_handoffs(session):
    council = load(session)
    journey = session.exec(select(Journey).where(Journey.name == "No supply / power cut")).one()
    matrix = journeys.build_matrix(session=session, council=council, journey=journey)
    assert [g.step.name for g in matrix.gaps] == ["Follow-up: is the power still on?"]
    assert [(o.step.name, [d.name for d in o.owners]) for o in matrix.overlaps] == [
        ("Book an engineer", ["Call Centre", "ContactPlus (outsourced contact centre)"])
    ]
    pairs = [([d.name for d in h.from_departments], [d.name for d in h.to_departments]) for h in matrix.handoffs]
    assert (["Digital"], ["Field Engineering"]) in pairs
    assert (["Field Engineering"], ["Billing"]) in pairs
    assert [s.name for s in matrix.handoffs[-1].across] == ["Follow-up: is the power still on?"]
    owner = session.get(Membership, journey.owner_id)
    assert session.get(User, owner.user_id).email == "field@example.com"
    moving = session.exec(select(Journey).where(Journey.name == "Moving home")).one()
    assert journeys.build_matrix(session=session, council=council, journey=moving).gaps == []


def test_research_in_recent_months_and_a_root_cause_tied_to_call_scripts(session):
    council = load(session)
    items = research.list_research(session=session, council=council)
    assert len(items) >= 2
    assert all(TODAY - timedelta(days=120) <= r.conducted_on <= TODAY for r in items)
    # Something happened since the last meeting (held three weeks before "today").
    assert research.list_research(session=session, council=council, since=TODAY - timedelta(days=21))
    link = session.exec(select(RootCauseAction)).one()
    action = session.get(Action, link.action_id)
    assert action.council_id == council.id and "call script" in action.title.lower()
