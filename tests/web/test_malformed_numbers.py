"""No page form or page filter answers 500 to a malformed number, id or date.

Each form with such a field is posted the shapes that used to slip past hand parsing
(`²` passes `str.isdigit()` but not `int()`; `1e999` is an infinite float; a 20-digit id
overflows the database's integer) and must answer with the page: a 4xx, or the page it
redirects to with an error that names the field and keeps what was typed.
"""

import json
import re
from datetime import date
from html import escape, unescape
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from app.common import MAX_ID
from app.models import Action, Initiative, Journey, JourneyStep, Measure, Research, Role, RootCause
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.web.test_pages import PASSWORD, csrf_from, sign_in

BAD = ("²", "1e999", "-1", "99999999999999999999", "abc")
ERROR = re.compile(r'<p class="flash error"[^>]*>(.*?)</p>|<h1>Something needs fixing</h1>\s*<p>(.*?)</p>', re.S)


@pytest.fixture
def world(session):
    """A council with a chair (who may use every form), a department, a meeting, and one of each record."""
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    chair = make_membership(
        session, council=council, user=make_user(session, email="chair@example.com"), role=Role.chair, department=field
    )
    meeting = make_meeting(session, council=council)
    action = make_action(session, council=council, owner=chair)
    journey = Journey(council_id=council.id, name="Moving home", owner_id=chair.id)
    measure = Measure(council_id=council.id, name="Repeat visits", unit="%", target=8, owner_id=chair.id)
    initiative = Initiative(council_id=council.id, title="Fix the first visit")
    research = Research(council_id=council.id, title="Survey", conducted_on=date(2026, 1, 5))
    session.add_all([journey, measure, initiative, research])
    session.flush()
    step = JourneyStep(journey_id=journey.id, position=1, name="Tell us")
    root_cause = RootCause(council_id=council.id, theme="Missed visits", whys=["Parts"], research_id=research.id)
    session.add_all([step, root_cause])
    session.commit()
    return SimpleNamespace(
        council=council.id,
        meeting=meeting.id,
        action=action.id,
        journey=journey.id,
        step=step.id,
        measure=measure.id,
        initiative=initiative.id,
        research=research.id,
        root_cause=root_cause.id,
    )


# (address, the form's other fields, the field under test, whether its input is typed into a box).
FORMS = {
    "invitation department": (
        "/councils/{council}/invitations",
        {"email": "new@example.com"},
        "department_id",
        False,
    ),
    "meeting length": (
        "/councils/{council}/meetings",
        {"scheduled_at": "2026-05-04T10:00"},
        "duration_minutes",
        True,
    ),
    "meeting start": ("/councils/{council}/meetings", {"duration_minutes": "60"}, "scheduled_at", True),
    "quorum": ("/councils/{council}/settings", {}, "quorum_members", True),
    "journey owner": ("/councils/{council}/journeys", {"name": "Paying"}, "owner_id", False),
    "journey edit owner": ("/journeys/{journey}/edit", {"name": "Moving home"}, "owner_id", False),
    "step position": ("/journeys/{journey}/steps", {"name": "Visit"}, "position", True),
    "step edit position": ("/journeys/{journey}/steps/{step}", {"name": "Tell us"}, "position", True),
    "step department": ("/journeys/{journey}/steps", {"name": "Visit", "suffix": ":owns"}, "departments", False),
    "research date": ("/councils/{council}/research", {"title": "Panel"}, "conducted_on", True),
    "research measures": (
        "/councils/{council}/research",
        {"title": "Panel", "conducted_on": "2026-01-01"},
        "measure_ids",
        False,
    ),
    "root cause research": ("/councils/{council}/root-causes", {"theme": "Bills"}, "research_id", False),
    "root cause actions": ("/root-causes/{root_cause}/edit", {"theme": "Bills"}, "action_ids", False),
    "measure target": ("/councils/{council}/measures", {"name": "Calls"}, "target", True),
    "measure owner": ("/councils/{council}/measures", {"name": "Calls"}, "owner_id", False),
    "reading value": ("/measures/{measure}/readings", {"period": "2026-01-01"}, "value", True),
    "reading sample": ("/measures/{measure}/readings", {"period": "2026-01-01", "value": "5"}, "sample_size", True),
    "reading period": ("/measures/{measure}/readings", {"value": "5"}, "period", True),
    "measure edit target": ("/measures/{measure}", {"version": "{v_measure}"}, "target", True),
    "measure version": ("/measures/{measure}", {"target": "5"}, "version", False),
    "report department": ("/meetings/{meeting}/reports", {"summary": "Fine"}, "department_id", False),
    "report id": ("/meetings/{meeting}/reports", {"summary": "Fine"}, "report_id", False),
    "scorecard weight": ("/councils/{council}/scorecard/weights", {}, "action_plan", True),
    "initiative volume": ("/councils/{council}/initiatives", {"title": "Bills"}, "failure_volume_per_year", True),
    "initiative cost": ("/councils/{council}/initiatives", {"title": "Bills"}, "unit_cost", True),
    "initiative rating": ("/councils/{council}/initiatives", {"title": "Bills"}, "customer_impact", False),
    "initiative departments": ("/councils/{council}/initiatives", {"title": "Bills"}, "department_ids", False),
    "initiative progress": ("/initiatives/{initiative}", {"version": "{v_initiative}"}, "percent_complete", True),
    "initiative target date": ("/initiatives/{initiative}", {"version": "{v_initiative}"}, "target_on", True),
    "initiative journey": ("/initiatives/{initiative}/links", {"version": "{v_initiative}"}, "journey_id", False),
    "initiative measures": ("/initiatives/{initiative}/links", {"version": "{v_initiative}"}, "measure_ids", False),
    "priority weight": ("/councils/{council}/priorities/weights", {}, "customer_impact", True),
    "action progress": ("/actions/{action}/update", {"version": "{v_action}"}, "percent_complete", True),
    "action due date": ("/actions/{action}/update", {"version": "{v_action}"}, "due_on", True),
    "action version": ("/actions/{action}/update", {"percent_complete": "50"}, "version", False),
    "minutes decision item": ("/meetings/{meeting}/minutes/decisions", {"text": "Agreed"}, "item_number", False),
    "minutes action owner": (
        "/meetings/{meeting}/minutes/actions",
        {"item_number": "3", "title": "Call back", "due_on": "2026-06-01"},
        "owner_id",
        False,
    ),
    "minutes action due": (
        "/meetings/{meeting}/minutes/actions",
        {"item_number": "3", "title": "Call back", "owner_id": "1"},
        "due_on",
        True,
    ),
    "minutes approve version": ("/meetings/{meeting}/minutes/approve", {}, "version", False),
    "minutes strike item": ("/meetings/{meeting}/minutes/decisions/1/delete", {}, "item_number", False),
    "correction item": ("/meetings/{meeting}/minutes/corrections", {"text": "x", "reason": "y"}, "item_number", False),
    "correction notes version": (
        "/meetings/{meeting}/minutes/corrections/1/decide",
        {"decision": "accept", "apply": "1"},
        "item_version",
        False,
    ),
    "minutes taken by": ("/meetings/{meeting}/minutes/taken-by", {}, "taken_by_user_id", False),
}
# Hidden fields and choices carry what the page wrote; a malformed one is a form that did not come
# from the page, so it needs no friendly name, only no 500.
HIDDEN = {"version", "report_id", "item_number", "item_version", "taken_by_user_id"}
# Where a message says it in words: "The action needs an owner and a due date".
WORDS = {"owner_id": "owner", "due_on": "due date", "departments": "department id", "measure_ids": "measure id"}


def _fill(template: str, world, session=None) -> str:
    ids = dict(vars(world))
    if session is not None:
        # A value the schema accepts is saved, so each post names the version as it is now.
        session.expire_all()
        for name, model in (("measure", Measure), ("initiative", Initiative), ("action", Action)):
            ids[f"v_{name}"] = session.get(model, ids[name]).version
    return template.format(**ids)


def _errors(html: str) -> str:
    return " ".join(unescape(a or b) for a, b in ERROR.findall(html))


@pytest.mark.parametrize("form", FORMS, ids=list(FORMS))
def test_a_malformed_number_is_named_not_a_500(client, session, world, form):
    address, others, field, typed = FORMS[form]
    sign_in(client, "chair@example.com")
    token = csrf_from(client.get(f"/councils/{world.council}").text)
    others = dict(others)
    suffix = others.pop("suffix", "")
    for bad in BAD:
        data = {"csrf_token": token, **{k: _fill(v, world, session) for k, v in others.items()}, field: bad + suffix}
        response = client.post(_fill(address, world), data=data)
        assert response.status_code < 500, (form, bad, response.text[:500])
        said = _errors(response.text)
        if field in HIDDEN or not said:
            # Hidden fields need no friendly name; a value the schema accepts (-1 as a target) is saved.
            continue
        named = (field.replace("_", " "), WORDS.get(field, field))
        assert any(name in said.lower() for name in named), (form, bad, said)
        if typed:
            assert f'value="{escape(bad)}"' in response.text, (form, bad, "the typed input is lost")


BROWSER = {"Accept": "text/html"}


@pytest.mark.parametrize(
    "query",
    [
        "/councils/{council}/actions?status={bad}&overdue={bad}",
        "/actions?status={bad}&overdue={bad}",
        "/councils/{council}/measures?applies_to=d:{bad}&status={bad}",
        "/councils/{council}/measures?applies_to=j:{bad}",
        "/meetings/{meeting}/agenda?live={bad}",
    ],
)
def test_a_malformed_choice_shows_the_page(client, world, query):
    # Choices from a select (a status, "applies to"): one the page did not offer means "any".
    sign_in(client, "chair@example.com")
    for bad in BAD:
        response = client.get(_fill(query.replace("{bad}", "{{bad}}"), world).format(bad=bad), headers=BROWSER)
        assert response.status_code == 200, (query, bad, response.text[:300])


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("/councils/{council}/actions?owner_id={bad}&department_id={bad}", ["owner id", "department id"]),
        ("/councils/{council}/feedback?department_id={bad}", ["department id"]),
        ("/councils/{council}/feedback?theme_id={bad}", ["theme id"]),
        ("/councils/{council}/feedback?offset={bad}", ["offset"]),
        ("/councils/{council}/root-causes?theme_id={bad}", ["theme id"]),
    ],
)
def test_a_malformed_id_in_the_address_is_a_422_page_naming_it(client, world, query, fields):
    sign_in(client, "chair@example.com")
    for bad in (*BAD, "١٢", "1_000", "+1", "0x1", "1.0", "0", str(MAX_ID + 1)):
        if bad in {"-1", "0"} and "offset" in query:  # offset 0 is the first page
            continue
        response = client.get(_fill(query.replace("{bad}", "{{bad}}"), world).format(bad=quote(bad)), headers=BROWSER)
        assert response.status_code == 422, (query, bad, response.text[:300])
        said = _errors(response.text) or unescape(response.text)
        assert all(field in said for field in fields), (query, bad, said[:500])
        assert escape(bad) not in said or bad in {"0", "-1"}, "the page repeats the input back"
    # Blank is the filter's "any"; a real id filters.
    blank = client.get(_fill(query.replace("{bad}", ""), world), headers=BROWSER)
    assert blank.status_code == 200
    good = client.get(_fill(query.replace("{bad}", "1"), world), headers=BROWSER)
    assert good.status_code == 200


# -- one test per finding of issue 16, item 5, on both engines --------------------------


def test_finding_a_superscript_owner_id_is_named_not_a_500(client, world):
    sign_in(client, "chair@example.com")
    page = client.get(f"/councils/{world.council}/actions?owner_id=²", headers=BROWSER)
    assert page.status_code == 422
    assert "owner id must be a whole number written with the digits 0-9" in unescape(page.text)
    assert "Traceback" not in page.text
    api = client.get(f"/api/councils/{world.council}/actions?owner_id=²", headers=_bearer(client, world))
    assert api.status_code == 422
    assert [e["loc"] for e in api.json()["detail"]] == [["query", "owner_id"]]


@pytest.mark.parametrize(
    "body",
    [
        '{"name": "\\ud800"}',  # a lone high surrogate in a value
        '{"name": "Council \\udfff"}',  # a lone low surrogate after text
        '{"\\ud800": "x"}',  # in an unknown field's name, which the 422 names
        '{"name": "' + "\\ud800" * 5000 + '"}',
    ],
    ids=["value", "low", "key", "long"],
)
def test_finding_a_lone_surrogate_in_json_is_a_422_that_can_be_read(client, session, world, body):
    headers = {**_bearer(client, world), "Content-Type": "application/json"}
    council = client.get(f"/api/councils/{world.council}", headers=headers)
    headers["If-Match"] = council.headers["ETag"]
    response = client.patch(f"/api/councils/{world.council}", content=body.encode(), headers=headers)
    assert response.status_code == 422, response.text[:300]
    errors = json.loads(response.content.decode("utf-8"))["detail"]  # valid UTF-8 JSON, nothing dropped silently
    named = {e["loc"][-1] for e in errors}
    assert named & {"name", "body"}, errors  # the field, or the body when a field's name cannot be read
    assert all(len(str(e.get("input", ""))) < 1000 for e in errors), "a 422 repeats at most a little of the input"
    assert client.get(f"/api/councils/{world.council}", headers=headers).json()["name"] == "Utility council"


@pytest.mark.parametrize(
    "address",
    [
        "/api/meetings/{meeting}/reports/99999999999999999999",
        "/api/councils/99999999999999999999",
        "/api/councils/{council}/actions?owner_id=99999999999999999999",
        "/api/councils/{council}/feedback?offset=99999999999999999999",
        "/api/councils/1_000",
        "/api/councils/%D9%A1",
    ],
)
def test_finding_an_id_beyond_the_database_is_a_422_naming_it(client, world, address):
    response = client.get(_fill(address, world), headers=_bearer(client, world))
    assert response.status_code == 422, response.text[:300]
    assert response.json()["detail"][0]["type"] in {"less_than_equal", "int_parsing"}


def test_finding_a_report_id_beyond_the_database_in_the_form_is_not_a_500(client, world):
    sign_in(client, "chair@example.com")
    token = csrf_from(client.get(f"/meetings/{world.meeting}/reports").text)
    data = {"csrf_token": token, "report_id": "99999999999999999999", "summary": "Fine"}
    response = client.post(f"/meetings/{world.meeting}/reports", data=data, headers=BROWSER)
    assert response.status_code == 404  # no such report: a hidden field the page did not write


def test_a_json_id_beyond_the_database_is_a_422(client, world):
    headers = _bearer(client, world)
    body = {"title": "Call back", "owner_id": 99999999999999999999, "due_on": "2031-01-01"}
    response = client.post(f"/api/councils/{world.council}/actions", json=body, headers=headers)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "owner_id"]]


def _bearer(client, world) -> dict[str, str]:
    token = client.post("/api/auth/token", data={"username": "chair@example.com", "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}
