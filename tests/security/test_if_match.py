"""If-Match is required on every versioned JSON write (issue 16, finding 4).

Generated from the route table: every route that takes If-Match answers 428 without it
(naming the header), 412 with a stale one, and succeeds with the record's ETag; the
OpenAPI document says the header is required and lists the 428. A new PUT/PATCH/DELETE
route must either take If-Match or be listed in UNVERSIONED with the reason, so a
new route cannot forget.
"""

import pytest

from app.config import Settings
from app.errors import _api_routes, requires_if_match
from app.main import create_app
from tests.helpers import auth
from tests.security.test_permissions import ETAG_FROM, MATRIX, build_world, resolve

# Writes that carry no version today, and why they may overwrite without one.
UNVERSIONED: dict[tuple[str, str], str] = {
    ("PATCH", "/api/me"): "a person's own profile: only they write it",
    ("DELETE", "/api/me/sessions/{session_id}"): "ends one of a person's own sign-ins; nothing typed is replaced",
    ("PATCH", "/api/users/{user_id}"): "site admin's account switches; no version column",
    ("DELETE", "/api/councils/{council_id}"): "a delete; nothing typed is replaced",
    ("PATCH", "/api/councils/{council_id}/departments/{department_id}"): "a name only; no version column",
    ("DELETE", "/api/councils/{council_id}/departments/{department_id}"): "a delete",
    ("PATCH", "/api/councils/{council_id}/members/{member_id}"): "a role or department choice; no version column",
    ("DELETE", "/api/councils/{council_id}/members/{member_id}"): "a delete",
    ("DELETE", "/api/meetings/{meeting_id}"): "a delete",
    ("DELETE", "/api/meetings/{meeting_id}/aob/{item_id}"): "a delete",
    ("PUT", "/api/meetings/{meeting_id}/apologies"): "a person's own apology",
    ("DELETE", "/api/meetings/{meeting_id}/apologies"): "a person's own apology",
    # An answer to an invitation is the seat's latest word, as a calendar reply is: replaced whole.
    ("PUT", "/api/meetings/{meeting_id}/responses/me"): "a seat's own answer, its latest word wins",
    ("DELETE", "/api/meetings/{meeting_id}/responses/me"): "takes back a seat's own answer",
    ("PUT", "/api/meetings/{meeting_id}/responses/{membership_id}"): "an answer given by phone; the latest word wins",
    ("DELETE", "/api/meetings/{meeting_id}/responses/{membership_id}"): "a delete",
    ("DELETE", "/api/councils/{council_id}/calendar-link"): "a person's own link",
    ("PUT", "/api/meetings/{meeting_id}/attendance"): "sets only the seats it names, field by field",
    ("PATCH", "/api/meetings/{meeting_id}/decisions/{decision_id}"): "no version column yet",
    ("DELETE", "/api/meetings/{meeting_id}/decisions/{decision_id}"): "a delete",
    ("PUT", "/api/meetings/{meeting_id}/aob/{item_id}/outcome"): "no version column yet",
    ("DELETE", "/api/actions/{action_id}"): "a delete",
    ("PATCH", "/api/measures/{measure_id}/readings/{period}"): "a number per period; no version column",
    ("DELETE", "/api/measures/{measure_id}/readings/{period}"): "a delete",
    ("PATCH", "/api/journeys/{journey_id}"): "no version column yet",
    ("DELETE", "/api/journeys/{journey_id}"): "a delete",
    ("PATCH", "/api/journeys/{journey_id}/steps/{step_id}"): "no version column yet",
    ("DELETE", "/api/journeys/{journey_id}/steps/{step_id}"): "a delete",
    ("DELETE", "/api/initiatives/{initiative_id}"): "a delete",
    ("PATCH", "/api/research/{research_id}"): "no version column yet",
    ("DELETE", "/api/research/{research_id}"): "a delete",
    ("PATCH", "/api/root-causes/{root_cause_id}"): "no version column yet",
    ("DELETE", "/api/root-causes/{root_cause_id}"): "a delete",
    ("PUT", "/api/councils/{council_id}/template"): "an uploaded file replaced whole",
    ("DELETE", "/api/councils/{council_id}/template"): "a delete",
    ("PUT", "/api/councils/{council_id}/notifications/me"): "a person's own choices; sets only the kinds it names",
    ("DELETE", "/api/papers/{paper_id}"): "papers never change (a new version is a new paper); removing archives it",
}
_APP = create_app(Settings(ENVIRONMENT="test", DATABASE_URL="sqlite://", SECRET_KEY="x" * 40))
_ROUTES = _api_routes(_APP.routes)
VERSIONED = sorted((method, r.path) for r in _ROUTES if requires_if_match(r) for method in r.methods)
WRITES = sorted(
    (method, r.path) for r in _ROUTES for method in r.methods & {"PUT", "PATCH", "DELETE"} if r.path.startswith("/api")
)


def test_every_write_is_versioned_or_says_why_not():
    unversioned = {route for route in WRITES if route not in VERSIONED}
    assert unversioned == set(UNVERSIONED), (
        f"take If-Match (app.common.IfMatch) or list with a reason: {unversioned - set(UNVERSIONED)}; "
        f"stale entries: {set(UNVERSIONED) - unversioned}"
    )
    assert len(VERSIONED) >= 14


@pytest.mark.parametrize(("method", "path"), VERSIONED, ids=[f"{m} {p}" for m, p in VERSIONED])
def test_openapi_says_if_match_is_required_and_documents_428(method, path):
    operation = _APP.openapi()["paths"][path][method.lower()]
    header = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "If-Match"]
    assert header and header[0]["required"] is True and "ETag" in header[0]["description"]
    assert "If-Match" in operation["responses"]["428"]["description"]
    assert "412" in operation["responses"]


@pytest.mark.parametrize(("method", "path"), VERSIONED, ids=[f"{m} {p}" for m, p in VERSIONED])
def test_a_versioned_write_needs_the_current_etag(app, client, session, method, path):
    """Missing → 428 naming the header, changing nothing; stale → 412; the record's ETag → done."""
    rule = MATRIX[(method, path)]
    # Approving needs circulated minutes: the chair gets past the role check and the state refuses (409).
    actor = "chair" if "chair" in rule["ok"] or not rule["ok"] else sorted(rule["ok"])[0]
    world = build_world(session)
    url = path.format(**world.ids)
    read = ETAG_FROM.get(path, path).format(**world.ids)
    headers = auth(app, world.users[actor])
    kwargs = {"json": resolve(rule["json"], world.ids)} if "json" in rule else {}
    current = client.get(read, headers=headers)
    assert current.status_code == 200, current.text
    tag = current.headers["ETag"]

    missing = client.request(method, url, headers=headers, **kwargs)
    assert missing.status_code == 428, missing.text
    assert "If-Match" in missing.json()["detail"] and "ETag" in missing.json()["detail"]
    assert client.get(read, headers=headers).json() == current.json(), "nothing changed"

    stale = client.request(method, url, headers={**headers, "If-Match": '"987654"'}, **kwargs)
    expected = 412 if rule["ok"] else rule["chair"]
    assert stale.status_code == expected, stale.text
    assert client.get(read, headers=headers).json() == current.json(), "nothing changed"

    done = client.request(method, url, headers={**headers, "If-Match": tag}, **kwargs)
    if rule["ok"]:
        assert 200 <= done.status_code < 300, done.text
    else:
        assert done.status_code == rule["chair"], done.text


def test_a_missing_if_match_is_428_even_beside_a_bad_body(app, client, session):
    world = build_world(session)
    headers = auth(app, world.users["chair"])
    response = client.patch(f"/api/meetings/{world.ids['meeting_id']}", headers=headers, json={"location": 5})
    assert response.status_code == 428
    # With the header, the body is judged as before.
    tag = client.get(f"/api/meetings/{world.ids['meeting_id']}", headers=headers).headers["ETag"]
    refused = client.patch(
        f"/api/meetings/{world.ids['meeting_id']}", headers={**headers, "If-Match": tag}, json={"location": 5}
    )
    assert refused.status_code == 422
