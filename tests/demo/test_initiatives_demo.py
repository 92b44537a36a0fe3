"""The demo's initiatives, reports and scores tell the story the council is for."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import func, select

from app.auth import load_access
from app.demo.council import DEPARTMENTS, PEOPLE
from app.demo.initiatives import load_initiatives_demo
from app.initiatives import service as initiatives
from app.measures.figures import add_months
from app.models import (
    Council,
    Department,
    DepartmentReport,
    Initiative,
    InitiativeMeasure,
    Measure,
    Meeting,
    Reading,
    User,
)
from app.reports import service as reports
from tests.demodb import load_demo
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user

TODAY = date(2026, 3, 18)


def test_the_demo_ranks_proposals_costs_failure_demand_and_misses_a_report(session):
    council = load_demo(session=session, today=TODAY)
    session.flush()
    listed = {i.title: i for i in initiatives.list_initiatives(session=session, council=council)}
    checklist = listed["Fault-diagnosis checklist on every call"]
    assert (checklist.status, checklist.owner_name) == ("in_progress", "Priya Shah")
    assert (checklist.yearly_saving, checklist.net_first_year_saving) == (300_000, 240_000)
    assert round(checklist.payback_months, 1) == 2.4
    # Linked to the measures it should move, with where they stood when the work began.
    assert {m.name for m in checklist.measures} == {
        "First-contact resolution",
        "Repeat engineer visits",
        "Cost of repeat visits",
    }
    assert all(m.baseline_value is not None and m.current_value is not None for m in checklist.measures)
    assert sorted(i.status for i in listed.values()).count("proposed") == 4
    assert [i.title for i in listed.values() if i.status == "rejected"] == [
        "Shorter call-handling target for the call centre"
    ]

    ranked = initiatives.list_priorities(session=session, council=council).data
    scores = [r.score for r in ranked]
    assert len(ranked) == 4 and len(set(scores)) == 4 and scores == sorted(scores, reverse=True)
    assert any("not rated" in p.note for r in ranked for p in r.breakdown)

    meetings = list(session.exec(select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.number)))
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    chair_access = load_access(session=session, user=chair, council_id=council.id)
    last_held = reports.list_reports(session=session, access=chair_access, meeting=meetings[1])
    upcoming = reports.list_reports(session=session, access=chair_access, meeting=meetings[2])
    assert [r.department_name for r in last_held.data if not r.submitted] == ["Digital"]
    assert [r.department_name for r in upcoming.data if not r.submitted] == ["ContactPlus (outsourced contact centre)"]
    assert [r.department_name for r in upcoming.data if r.report and r.report.best_practice] == ["Field Engineering"]

    card = reports.scorecard(session=session, council=council, today=TODAY)
    totals = {d.department_name: d.total for d in card.data}
    assert len({t for t in totals.values() if t is not None}) >= 3, totals


def test_without_measures_nothing_is_linked(session):
    council: Council = make_council(session, name="Bare council")
    departments = {name: make_department(session, council=council, name=name) for name, _, _ in DEPARTMENTS}
    seats = {
        p.email: make_membership(
            session,
            council=council,
            user=make_user(session, email=p.email, name=p.name),
            role=p.role,
            department=departments[p.department] if p.department else None,
        )
        for p in PEOPLE
    }
    held = make_meeting(session, council=council, status="held", scheduled_at=datetime(2026, 2, 25, 10, tzinfo=UTC))
    upcoming = make_meeting(session, council=council, scheduled_at=datetime(2026, 4, 1, 9, tzinfo=UTC))
    created = load_initiatives_demo(
        session=session,
        council=council,
        seats=seats,
        departments=departments,
        meetings=[held, upcoming],
        measures=None,
        today=TODAY,
    )
    assert len(created["initiatives"]) == 7
    assert session.exec(select(func.count()).select_from(InitiativeMeasure)).one() == 0
    assert {m: len(r) for m, r in created["reports"].items()} == {held.id: 4, upcoming.id: 4}
    assert all(a.due_on < TODAY for a in created["actions"])
    assert session.exec(select(func.count()).select_from(Initiative)).one() == 7
    assert session.exec(select(func.count()).select_from(DepartmentReport)).one() == 8
    assert TODAY - timedelta(days=200) < min(i.created_at.date() for i in created["initiatives"].values())


def test_demo_reports_quote_the_readings_the_council_sees(session):
    # Regression: the held meeting's reports quoted figures from months before it (10.6%
    # repeat visits when the readings said 11.5%), so the story contradicted the charts.
    council = load_demo(session=session, today=TODAY)
    session.flush()
    meetings = list(session.exec(select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.number)))
    quoted = {
        # department: (measure it reports on)
        "Call Centre": "First-contact resolution",
        "Field Engineering": "Repeat engineer visits",
        "Billing": "Comments about estimated bills",
    }
    for meeting, month in ((meetings[1], add_months(TODAY, -2)), (meetings[2], add_months(TODAY, -1))):
        reports = {
            r.department_id: r.summary
            for r in session.exec(select(DepartmentReport).where(DepartmentReport.meeting_id == meeting.id))
        }
        for department_name, measure_name in quoted.items():
            department = session.exec(
                select(Department).where(Department.council_id == council.id, Department.name == department_name)
            ).one()
            measure = session.exec(
                select(Measure).where(Measure.council_id == council.id, Measure.name == measure_name)
            ).one()
            value = session.exec(
                select(Reading.value).where(Reading.measure_id == measure.id, Reading.period == month)
            ).one()
            assert f"{value:g}%" in reports[department.id], (meeting.number, department_name, value)
