"""Initiatives, priorities, department reports and the scorecard as pages, on the demo council."""

from dataclasses import dataclass
from datetime import date
from html import unescape

import pytest
from sqlmodel import col, select

from app.demo.council import DEMO_PASSWORD
from app.models import Council, Department, DepartmentReport, Initiative, Meeting, Membership, User
from tests.demodb import load_demo
from tests.web.test_pages import csrf_from, sign_in

HTML = {"Accept": "text/html"}


@dataclass
class Demo:
    council: Council
    seats: dict[str, Membership]
    departments: dict[str, Department]
    meetings: list[Meeting]
    created: dict


def load_everything(session, today: date) -> Demo:
    """The demo council: app.demo.council.load_demo calls load_initiatives_demo with the measures it made."""
    council = load_demo(session=session, today=today)
    session.commit()
    seats = {
        user.email: seat
        for seat, user in session.exec(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.council_id == council.id)
        )
    }
    departments = {d.name: d for d in session.exec(select(Department).where(Department.council_id == council.id))}
    meetings = list(session.exec(select(Meeting).where(Meeting.council_id == council.id).order_by(col(Meeting.number))))
    initiatives = {i.title: i for i in session.exec(select(Initiative).where(Initiative.council_id == council.id))}
    reports = {
        m.id: list(session.exec(select(DepartmentReport).where(DepartmentReport.meeting_id == m.id))) for m in meetings
    }
    return Demo(council, seats, departments, meetings, {"initiatives": initiatives, "reports": reports})


@pytest.fixture
def demo(session) -> Demo:
    return load_everything(session, date.today())


def text(response) -> str:
    return unescape(response.text)


def test_the_demo_makes_a_meaningful_story(session, demo):
    initiatives = demo.created["initiatives"]
    statuses = sorted(i.status for i in initiatives.values())
    assert statuses.count("proposed") >= 3 and "rejected" in statuses and "in_progress" in statuses
    checklist = initiatives["Fault-diagnosis checklist on every call"]
    assert (checklist.failure_volume_per_year, checklist.unit_cost, checklist.implementation_cost) == (2000, 150, 60000)
    assert checklist.owner_id == demo.seats["callcentre@example.com"].id
    held, upcoming = demo.meetings[1], demo.meetings[2]
    reports = demo.created["reports"]
    assert len(reports[held.id]) == 4 and len(reports[upcoming.id]) == 4  # one department missing at each
    assert any(r.best_practice for r in reports[upcoming.id])


def test_initiatives_page_lists_status_owner_rag_saving_and_payback(client, demo):
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    page = text(client.get(f"/councils/{demo.council.id}/initiatives"))
    for expected in [
        "Fault-diagnosis checklist on every call",
        "In progress",
        "Priya Shah",
        "Watch",
        "£300,000",
        "2.4 months",
        "Rejected",
        "Propose an initiative",
    ]:
        assert expected in page, expected


def test_an_observer_sees_initiatives_but_no_propose_form(client, session, demo):
    from app.models import Role

    seat = demo.seats["digital@example.com"]
    seat.role = Role.observer
    session.commit()
    sign_in(client, "digital@example.com", DEMO_PASSWORD)
    page = text(client.get(f"/councils/{demo.council.id}/initiatives"))
    assert "Fault-diagnosis checklist" in page and "Propose an initiative" not in page


def test_a_member_proposes_from_the_form(client, session, demo):
    sign_in(client, "billing@example.com", DEMO_PASSWORD)
    url = f"/councils/{demo.council.id}/initiatives"
    token = csrf_from(client.get(url).text)
    billing = demo.departments["Billing"]
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "title": "Direct debit date chosen by the customer",
            "failure_volume_per_year": "4000",
            "unit_cost": "3",
            "implementation_cost": "6000",
            "customer_impact": "3",
            "effort": "",
            "department_ids": [str(billing.id)],
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "Initiative “Direct debit date chosen by the customer” proposed." in page
    assert "£12,000 a year" in page and "6.0 months" in page
    stored = session.exec(
        select(Initiative).where(Initiative.title == "Direct debit date chosen by the customer")
    ).one()
    assert stored.status == "proposed" and stored.effort is None
    # A bad form says which field, and stores nothing.
    bad = client.post(url, data={"csrf_token": token, "title": "Bad", "customer_impact": "9"})
    assert "customer impact" in text(bad)
    assert session.exec(select(Initiative).where(Initiative.title == "Bad")).first() is None


def test_initiative_page_shows_measures_and_the_chair_moves_status(client, session, demo):
    proposal = demo.created["initiatives"]["Plain-English explanation of estimated bills"]
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    url = f"/initiatives/{proposal.id}"
    page = text(client.get(url))
    assert "Comments about estimated bills" in page
    assert "Approve" in page and "Reject" in page
    token = csrf_from(page)
    moved = client.post(f"{url}/status", data={"csrf_token": token, "status": "approved", "version": "1"})
    assert "Now approved." in text(moved)
    # A form from before that move is stale and changes nothing.
    stale = client.post(f"{url}/status", data={"csrf_token": token, "status": "rejected", "version": "1"})
    assert "Someone changed this initiative" in text(stale)
    session.expire_all()
    assert session.get(Initiative, proposal.id).status == "approved"


def test_the_owner_reports_progress_but_has_no_status_buttons(client, session, demo):
    checklist = demo.created["initiatives"]["Fault-diagnosis checklist on every call"]
    sign_in(client, "callcentre@example.com", DEMO_PASSWORD)
    url = f"/initiatives/{checklist.id}"
    page = text(client.get(url))
    assert "Mark done" not in page and "Report progress" in page
    assert "First-contact resolution" in page and "pts, better" in page
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_from(page),
            "version": str(checklist.version),
            "rag": "green",
            "percent_complete": "70",
            "start_on": checklist.start_on.isoformat(),
            "target_on": checklist.target_on.isoformat(),
        },
    )
    assert "Saved." in text(saved)
    session.expire_all()
    stored = session.get(Initiative, checklist.id)
    assert (stored.rag, stored.percent_complete) == ("green", 70)
    # Someone else's initiative is read-only for this member.
    other = demo.created["initiatives"]["Van stock of parts for the new boiler model"]
    other_page = text(client.get(f"/initiatives/{other.id}"))
    assert "Report progress" not in other_page
    refused = client.post(
        f"/initiatives/{other.id}",
        data={"csrf_token": csrf_from(page), "version": "1", "rag": "red"},
        headers=HTML,
    )
    assert refused.status_code == 403


def test_priorities_page_ranks_the_proposals_and_the_chair_changes_weights(client, session, demo):
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    url = f"/councils/{demo.council.id}/priorities"
    page = text(client.get(url))
    titles = [
        "Give ContactPlus agents the fault-diagnosis checklist",
        "Van stock of parts for the new boiler model",
        "Plain-English explanation of estimated bills",
        "Self-service meter reads in the app",
    ]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions), "ranked in the order the scores give"
    assert "Fault-diagnosis checklist on every call" not in page  # not a proposal any more
    assert "not rated; counts as 0" in page
    weights = {"customer_impact": "0", "saving": "100", "effort": "0", "strategic_fit": "0", "confidence": "0"}
    saved = text(client.post(f"{url}/weights", data={"csrf_token": csrf_from(page), **weights}))
    assert "Weights saved" in saved
    # Saving alone: the van stock (£180,000 a year) now leads.
    assert saved.index("Van stock of parts") < saved.index("Give ContactPlus agents")
    zero = text(client.post(f"{url}/weights", data={"csrf_token": csrf_from(page), **dict.fromkeys(weights, "0")}))
    assert "at least one weight must be above zero" in zero
    reset = text(client.post(f"{url}/weights", data={"csrf_token": csrf_from(page), "reset": "1"}))
    assert "(the defaults)" in reset


def test_reports_page_highlights_the_missing_and_takes_my_report(client, session, demo):
    upcoming = demo.meetings[2]
    sign_in(client, "supplier@example.com", DEMO_PASSWORD)
    url = f"/meetings/{upcoming.id}/reports"
    page = text(client.get(url))
    assert "4 of 5" in page and "Not submitted" in page
    assert "Submit your department’s report: ContactPlus (outsourced contact centre)" in page
    assert "Best practice to share" in page and "data plate" in page
    supplier = demo.departments["ContactPlus (outsourced contact centre)"]
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_from(page),
            "department_id": str(supplier.id),
            "summary": "86% of calls answered within 60 seconds.",
            "improvements": "Agents start the fault-diagnosis checklist next month.",
        },
    )
    assert "Report saved." in text(saved) and "5 of 5" in text(saved)
    assert session.exec(
        select(DepartmentReport).where(
            DepartmentReport.meeting_id == upcoming.id, DepartmentReport.department_id == supplier.id
        )
    ).one()
    # Not another department's.
    billing = demo.departments["Billing"]
    refused = client.post(
        url,
        data={"csrf_token": csrf_from(page), "department_id": str(billing.id), "summary": "Not mine"},
        headers=HTML,
    )
    assert refused.status_code == 403


def test_scorecard_page_shows_every_department_with_a_breakdown(client, demo):
    sign_in(client, "field@example.com", DEMO_PASSWORD)
    page = text(client.get(f"/councils/{demo.council.id}/scorecard"))
    for expected in ["Department scorecard", "Field Engineering", "ContactPlus", "closed on time", "left out", "/ 100"]:
        assert expected in page, expected
    assert "Change the weights" not in page  # the chair's


def test_reports_to_a_held_meeting_say_who_did_not_report(client, demo):
    # Regression: a meeting already held said its missing reports were "still to come".
    held = demo.meetings[1]
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    page = text(client.get(f"/meetings/{held.id}/reports"))
    assert "(held)" in page and "1 did not report" in page and "still to come" not in page
    upcoming = text(client.get(f"/meetings/{demo.meetings[2].id}/reports"))
    assert "1 still to come" in upcoming


def test_priorities_breakdown_gives_the_largest_saving_in_pounds(client, demo):
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    page = text(client.get(f"/councils/{demo.council.id}/priorities"))
    assert "of the largest saving among the candidates (£180,000)" in page


def test_initiative_research_and_root_cause_pages_link_what_they_name(client, demo):
    checklist = demo.created["initiatives"]["Fault-diagnosis checklist on every call"]
    council_id = demo.council.id
    sign_in(client, "field@example.com", DEMO_PASSWORD)
    initiative = client.get(f"/initiatives/{checklist.id}").text
    assert '<a href="/measures/' in initiative and "Repeat engineer visits</a>" in initiative
    research = client.get(f"/councils/{council_id}/research").text
    assert 'href="/measures/' in research and f'href="/initiatives/{checklist.id}"' in research
    assert 'aria-label="Customer data"' in research
    root_causes = client.get(f"/councils/{council_id}/root-causes").text
    assert f'<a href="/initiatives/{checklist.id}">' in root_causes
    journeys = client.get(f"/councils/{council_id}/journeys").text
    assert 'aria-label="Customer data"' in journeys


def test_the_chair_links_journey_departments_and_measures_from_the_page(client, session, demo):
    from app.models import InitiativeDepartment, InitiativeMeasure, Journey, Measure

    proposal = demo.created["initiatives"]["Plain-English explanation of estimated bills"]
    sign_in(client, "chair@example.com", DEMO_PASSWORD)
    url = f"/initiatives/{proposal.id}"
    page = text(client.get(url))
    assert "Link journey, departments and measures" in page
    kept = session.exec(select(InitiativeMeasure).where(InitiativeMeasure.initiative_id == proposal.id)).all()
    journey = session.exec(select(Journey).where(Journey.council_id == demo.council.id)).first()
    nps = session.exec(select(Measure).where(Measure.council_id == demo.council.id, Measure.kind == "nps")).one()
    billing = demo.departments["Billing"]
    session.expire_all()
    version = str(session.get(Initiative, proposal.id).version)
    form = {
        "csrf_token": csrf_from(page),
        "version": version,
        "journey_id": str(journey.id),
        "department_ids": [str(billing.id)],
        "measure_ids": [str(link.measure_id) for link in kept] + [str(nps.id)],
    }
    saved = client.post(f"{url}/links", data=form)
    assert "Links saved." in text(saved)
    session.expire_all()
    links = {
        m.measure_id: m
        for m in session.exec(select(InitiativeMeasure).where(InitiativeMeasure.initiative_id == proposal.id))
    }
    assert set(links) == {link.measure_id for link in kept} | {nps.id}
    for link in kept:  # an existing link keeps the baseline it had
        assert links[link.measure_id].baseline_value == link.baseline_value
    assert links[nps.id].baseline_value is not None  # a new one takes the latest reading
    assert session.get(Initiative, proposal.id).journey_id == journey.id
    departments = session.exec(
        select(InitiativeDepartment).where(InitiativeDepartment.initiative_id == proposal.id)
    ).all()
    assert [d.department_id for d in departments] == [billing.id]
