"""Journey, research and root-cause pages through the ASGI client: who sees which form, what a form saves."""

from datetime import date, timedelta
from html import unescape

import pytest
from sqlmodel import select

from app.models import Journey, JourneyStep, Research, Role, RootCause, StepDepartment
from tests.factories import PASSWORD, make_council, make_department, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in


@pytest.fixture
def council(session):
    """A council with two departments, a chair, a journey owner, a member and an observer (emails by role)."""
    council = make_council(session, name="Utility council")
    calls = make_department(session, council=council, name="Call Centre")
    field = make_department(session, council=council, name="Field Engineering")
    seats = {}
    for role, seat_role in [
        ("chair", Role.chair),
        ("owner", Role.member),
        ("member", Role.member),
        ("observer", Role.observer),
    ]:
        user = make_user(session, email=f"{role}@example.com", name=role.title(), password=PASSWORD)
        seats[role] = make_membership(session, council=council, user=user, role=seat_role)
    journey = Journey(council_id=council.id, name="No supply", owner_id=seats["owner"].id)
    session.add(journey)
    session.flush()
    step = JourneyStep(journey_id=journey.id, position=1, name="Report the fault", channel="Phone")
    session.add(step)
    session.flush()
    session.add(StepDepartment(step_id=step.id, department_id=calls.id, responsibility="contributes"))
    session.commit()
    return {"council": council, "journey": journey, "step": step, "calls": calls, "field": field, **seats}


def as_(client, role: str, path: str) -> str:
    client.cookies.clear()
    assert sign_in(client, email=f"{role}@example.com", next_path=path).status_code == 303
    page = client.get(path)
    assert page.status_code == 200, page.text
    return unescape(page.text)


def test_everyone_sees_the_matrix_only_chair_and_owner_see_the_forms(client, council):
    path = f"/journeys/{council['journey'].id}"
    for role, forms in [("chair", True), ("owner", True), ("member", False), ("observer", False)]:
        html = as_(client, role, path)
        assert "Report the fault" in html and '<tr class="step gap">' in html, role
        assert ("Add a step" in html) is forms, role
        assert ("Delete this journey" in html) is (role == "chair"), role


def test_the_journeys_list_flags_gaps_and_only_the_chair_adds(client, council):
    path = f"/councils/{council['council'].id}/journeys"
    html = as_(client, "member", path)
    assert "No supply" in html and "1 gap" in html
    assert "Add a journey" not in html
    assert "Add a journey" in as_(client, "chair", path)


def test_chair_adds_a_journey_from_the_form(client, session, council):
    html = as_(client, "chair", f"/councils/{council['council'].id}/journeys")
    response = client.post(
        f"/councils/{council['council'].id}/journeys",
        data={"csrf_token": csrf_from(html), "name": "Moving home", "owner_id": str(council["member"].id)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    journey = session.exec(select(Journey).where(Journey.name == "Moving home")).one()
    assert response.headers["location"] == f"/journeys/{journey.id}"
    assert journey.owner_id == council["member"].id


def test_owner_adds_a_step_with_departments_and_errors_are_explained(client, session, council):
    journey = council["journey"]
    html = as_(client, "owner", f"/journeys/{journey.id}")
    token = csrf_from(html)
    response = client.post(
        f"/journeys/{journey.id}/steps",
        data={
            "csrf_token": token,
            "name": "Diagnose on the call",
            "position": "1",
            "channel": "Phone",
            "departments": [f"{council['calls'].id}:owns", "", f"{council['field'].id}:contributes"],
        },
    )
    assert response.status_code == 200
    assert "Step 1 “Diagnose on the call” added." in unescape(response.text)
    session.expire_all()
    steps = session.exec(select(JourneyStep).where(JourneyStep.journey_id == journey.id).order_by(JourneyStep.position))
    assert [(s.position, s.name) for s in steps] == [(1, "Diagnose on the call"), (2, "Report the fault")]
    # Twice the same department: explained, nothing saved.
    response = client.post(
        f"/journeys/{journey.id}/steps",
        data={"csrf_token": token, "name": "Visit", "departments": [f"{council['calls'].id}:owns"] * 2},
    )
    assert "listed twice" in unescape(response.text)
    assert len(session.exec(select(JourneyStep)).all()) == 2


def test_a_member_cannot_post_a_step(client, session, council):
    journey = council["journey"]
    html = as_(client, "member", f"/journeys/{journey.id}")
    response = client.post(
        f"/journeys/{journey.id}/steps",
        data={"csrf_token": csrf_from(html), "name": "Sneaky"},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 403
    assert session.exec(select(JourneyStep).where(JourneyStep.name == "Sneaky")).first() is None


def test_editing_a_step_replaces_its_departments(client, session, council):
    journey, step = council["journey"], council["step"]
    html = as_(client, "chair", f"/journeys/{journey.id}")
    client.post(
        f"/journeys/{journey.id}/steps/{step.id}",
        data={
            "csrf_token": csrf_from(html),
            "name": "Report the fault",
            "position": "1",
            "channel": "Web",
            "departments": [f"{council['field'].id}:owns"],
        },
    )
    session.expire_all()
    links = session.exec(select(StepDepartment).where(StepDepartment.step_id == step.id)).all()
    assert [(link.department_id, link.responsibility) for link in links] == [(council["field"].id, "owns")]
    assert session.get(JourneyStep, step.id).channel == "Web"
    html = as_(client, "chair", f"/journeys/{journey.id}")
    assert '<tr class="step gap">' not in html and '<tr class="step owned">' in html


def test_research_form_refuses_a_script_link_and_saves_a_good_one(client, session, council):
    path = f"/councils/{council['council'].id}/research"
    html = as_(client, "member", path)
    data = {
        "csrf_token": csrf_from(html),
        "title": "Post-visit survey",
        "conducted_on": (date.today() - timedelta(days=2)).isoformat(),
        "method": "survey",
        "link": "javascript:alert(document.cookie)",
    }
    response = client.post(path, data=data)
    assert "link: must be an http:// or https:// address" in unescape(response.text)
    assert session.exec(select(Research)).all() == []
    response = client.post(path, data={**data, "link": "https://example.com/survey"})
    assert "Research “Post-visit survey” added." in unescape(response.text)
    assert 'href="https://example.com/survey" rel="noopener noreferrer nofollow"' in response.text
    # Observers read research but get no form.
    html = as_(client, "observer", path)
    assert "Post-visit survey" in html and "Add research" not in html


def test_root_cause_form_keeps_the_order_of_the_whys_and_defaults_the_root_cause(client, session, council):
    path = f"/councils/{council['council'].id}/root-causes"
    html = as_(client, "member", path)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_from(html),
            "theme": "Engineers without parts",
            "whys": ["Thin job sheets", "", "Scripts skip diagnosis", "", ""],
            "root_cause": "",
        },
    )
    assert "Root cause for “Engineers without parts” recorded." in unescape(response.text)
    root_cause = session.exec(select(RootCause)).one()
    assert root_cause.whys == ["Thin job sheets", "Scripts skip diagnosis"]
    assert root_cause.root_cause == "Scripts skip diagnosis"
    html = unescape(response.text)
    assert html.index("Thin job sheets") < html.index("Scripts skip diagnosis")
