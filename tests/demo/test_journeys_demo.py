"""The demo's journeys, research and root cause tell the story the council is for."""

from datetime import date, timedelta

from sqlmodel import select

from app.auth import load_access
from app.demo.journeys import link_research_demo, load_journeys_demo
from app.demo.measures import MEASURES
from app.journeys import service as journeys
from app.models import Action, Department, Journey, Membership, RootCauseAction, User
from app.research import service as research
from tests.demodb import load_demo

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


def test_demo_research_and_root_cause_point_at_the_measures_and_initiatives_they_inform(session):
    # Regression: the research was linked to measures before the measures existed, so the
    # demo's research informed nothing and the root cause had no initiative addressing it.
    council = load(session)
    items = {r.title: r for r in research.list_research(session=session, council=council)}
    complaints = items["Complaints analysis: repeat engineer visits"]
    assert {m.name for m in complaints.measures} == {"Repeat engineer visits", "Cost of repeat visits"}
    assert "Fault-diagnosis checklist on every call" in {i.name for i in complaints.initiatives}
    assert all(r.measures and r.initiatives for r in items.values())
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    access = load_access(session=session, user=chair, council_id=council.id)
    (root_cause,) = research.list_root_causes(session=session, access=access)
    assert {i.name for i in root_cause.initiatives} == {
        "Fault-diagnosis checklist on every call",
        "Give ContactPlus agents the fault-diagnosis checklist",
    }
    # Linking again adds nothing twice.
    loaded = {
        "research": {
            "complaints": complaints,
            "survey": items["Post-visit survey after power-cut repairs"],
            "mystery_shopping": items["Mystery shopping the evening fault line"],
        },
        "root_causes": {"parts": root_cause},
    }
    link_research_demo(session=session, council=council, loaded=loaded)
    again = {r.title: r for r in research.list_research(session=session, council=council)}
    assert len(again[complaints.title].measures) == 2


def test_demo_cost_of_repeat_visits_is_the_repeat_visits_at_150_pounds_each():
    # The two Field Engineering measures tell one story: repeat visits × £150, month by month.
    specs = {m.name: m for m in MEASURES}
    rate, cost = specs["Repeat engineer visits"], specs["Cost of repeat visits"]
    low, high = rate.sample
    for i, (percent, pounds) in enumerate(zip(rate.values, cost.values, strict=True)):
        jobs = round(low + (high - low) * i / (len(rate.values) - 1))
        assert pounds == round(jobs * percent / 100) * 150, (i, jobs, percent, pounds)
