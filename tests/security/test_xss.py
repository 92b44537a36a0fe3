"""A script payload in every user-editable text field is escaped on every page that shows it."""

import html
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from app.models import (
    Action,
    ActionEvent,
    AobItem,
    Decision,
    Department,
    DepartmentReport,
    Initiative,
    Journey,
    JourneyStep,
    Measure,
    Meeting,
    Membership,
    MinutesItem,
    Reading,
    Research,
    RootCause,
    StepDepartment,
)
from tests.web.test_pages import seat_person, sign_in

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
RAW = ["<script>alert(1)</script>", "<img src=x onerror"]
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
APP = Path(__file__).resolve().parents[2] / "app"


def _p(label: str) -> str:
    return f"{label} {PAYLOAD}"


# The one place the app marks a string safe itself: the agenda page's HTML that a template rendered, read back from
# the server's private shared folder (app/agendas/cache.py _rendered), the templates' own output byte for byte.
MARKS_RENDERED_OUTPUT = {APP / "agendas" / "cache.py": 1}


def test_no_template_or_module_turns_escaping_off():
    for path in [*TEMPLATES.rglob("*.html"), *APP.rglob("*.py")]:
        text = path.read_text()
        for marker in ("|safe", "| safe", "autoescape false", "autoescape=False"):
            assert marker not in text, f"{path}: {marker}"
        assert text.count("Markup(") == MARKS_RENDERED_OUTPUT.get(path, 0), f"{path}: Markup("


def test_payload_in_every_text_field_is_escaped_on_every_page(client, session):
    chair, council = seat_person(session)
    council.name = _p("Council")
    council.description = _p("Council description")
    dept = Department(council_id=council.id, name=_p("Department"), description=_p("Dept description"))
    session.add(dept)
    session.flush()
    seat = session.exec(select(Membership).where(Membership.user_id == chair.id)).one()
    seat.department_id = dept.id
    chair.name = _p("Member")
    meeting = Meeting(
        council_id=council.id,
        number=1,
        title=_p("Meeting"),
        location=_p("Location"),
        scheduled_at=datetime.now(UTC) + timedelta(days=7),
    )
    session.add(meeting)
    journey = Journey(council_id=council.id, name=_p("Journey"), description=_p("Journey description"))
    session.add(journey)
    session.flush()
    step = JourneyStep(journey_id=journey.id, position=1, name=_p("Step"), description=_p("Step description"))
    session.add(step)
    measure = Measure(
        council_id=council.id, name=_p("Measure"), unit="<b>%", description=_p("Measure description"), target=1
    )
    session.add(measure)
    session.flush()
    session.add(StepDepartment(step_id=step.id, department_id=dept.id))
    session.add(Reading(measure_id=measure.id, period=date(2026, 1, 1), value=1.0, note=_p("Reading note")))
    initiative = Initiative(
        council_id=council.id, title=_p("Initiative"), description=_p("Initiative description"), owner_id=seat.id
    )
    session.add(initiative)
    session.flush()
    action = Action(
        council_id=council.id,
        title=_p("Action"),
        description=_p("Action description"),
        owner_id=seat.id,
        department_id=dept.id,
        due_on=date.today() + timedelta(days=3),
        raised_at_meeting_id=meeting.id,
    )
    session.add(action)
    session.flush()
    session.add(ActionEvent(action_id=action.id, user_id=chair.id, note=_p("Action note"), changes={}))
    research = Research(
        council_id=council.id,
        title=_p("Research"),
        conducted_on=date(2026, 1, 1),
        summary=_p("Research summary"),
        findings=_p("Research findings"),
    )
    session.add(research)
    session.add(RootCause(council_id=council.id, theme=_p("Theme"), whys=[_p("Why")], root_cause=_p("Root")))
    session.add(AobItem(meeting_id=meeting.id, title=_p("AOB"), details=_p("AOB details")))
    session.add(
        DepartmentReport(
            meeting_id=meeting.id,
            department_id=dept.id,
            summary=_p("Report summary"),
            improvements=_p("Report improvements"),
            best_practice=_p("Report best practice"),
        )
    )
    session.add(MinutesItem(meeting_id=meeting.id, number=1, notes=_p("Minutes notes")))
    session.add(Decision(meeting_id=meeting.id, number=1, item_number=1, text=_p("Decision")))
    session.commit()

    assert sign_in(client).status_code == 303
    pages = [
        "/councils",
        f"/councils/{council.id}",
        "/actions",
        f"/councils/{council.id}/actions",
        f"/actions/{action.id}",
        f"/meetings/{meeting.id}/agenda",
        f"/meetings/{meeting.id}/minutes",
        f"/councils/{council.id}/measures",
        f"/measures/{measure.id}",
        f"/councils/{council.id}/journeys",
        f"/journeys/{journey.id}",
        f"/councils/{council.id}/initiatives",
        f"/initiatives/{initiative.id}",
        f"/councils/{council.id}/priorities",
        f"/meetings/{meeting.id}/reports",
        f"/councils/{council.id}/scorecard",
        f"/councils/{council.id}/research",
        f"/councils/{council.id}/root-causes",
    ]
    escaped_seen = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        for raw in RAW:
            assert raw not in response.text, f"{url} shows {raw!r} unescaped"
        assert "<b>%" not in response.text, url
        escaped_seen += response.text.count(html.escape("<script>alert(1)</script>", quote=False))
        assert html.escape("<script>alert(1)</script>", quote=False) in response.text, url
    assert escaped_seen > len(pages)
