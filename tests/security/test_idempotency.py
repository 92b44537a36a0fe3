"""Idempotency-Key on API creates: a retried or doubled create makes one row and gets the first answer again.

Concurrency runs over real HTTP against uvicorn (separate connections, the server's
thread pool), on SQLite and on PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlmodel import func, select

from app.models import Action, IdempotencyKey, Meeting, Role, utcnow
from app.web.idempotency import CreateRoute
from tests.factories import make_council, make_membership, make_user
from tests.helpers import auth

DUPLICATES = 3


@pytest.fixture
def world(session):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    owner = make_membership(session, council=council, role=Role.member)
    session.commit()
    return {"chair": chair, "council": council, "owner": owner}


def action_body(world, title: str = "Call back every unresolved complaint") -> dict:
    return {"title": title, "owner_id": world["owner"].id, "due_on": "2030-01-31"}


def actions_titled(session, title: str) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Action).where(Action.title == title)).one()


def test_concurrent_identical_creates_with_one_key_make_one_action(live_server, settings, session, world):
    from tests.helpers import access_token

    token = access_token(user=world["chair"], settings=settings)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "3f0c9b52-double-click"}
    url = f"{live_server}/api/councils/{world['council'].id}/actions"
    body = action_body(world)
    start = threading.Barrier(DUPLICATES)

    def create(_n: int) -> httpx.Response:
        with httpx.Client(timeout=60) as client:
            start.wait()
            return client.post(url, headers=headers, json=body)

    with ThreadPoolExecutor(DUPLICATES) as pool:
        responses = list(pool.map(create, range(DUPLICATES)))

    assert [r.status_code for r in responses] == [201] * DUPLICATES
    assert actions_titled(session, body["title"]) == 1
    # Every caller heard of the same action, with the same ETag; all but one were replays.
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({r.headers["ETag"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == DUPLICATES - 1


def test_without_a_key_concurrent_creates_each_create(live_server, settings, session, world):
    # The contrast: the key is what makes the duplicates one; without it each request is its own create.
    from tests.helpers import access_token

    headers = {"Authorization": f"Bearer {access_token(user=world['chair'], settings=settings)}"}
    url = f"{live_server}/api/councils/{world['council'].id}/actions"
    body = action_body(world, "No key, two actions")
    with httpx.Client(timeout=60) as client:
        assert client.post(url, headers=headers, json=body).status_code == 201
        assert client.post(url, headers=headers, json=body).status_code == 201
    assert actions_titled(session, body["title"]) == 2


def test_a_retry_replays_the_identical_answer(client, app, session, world):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": "retry-1"}
    url = f"/api/councils/{world['council'].id}/actions"
    first = client.post(url, headers=headers, json=action_body(world))
    # The same body with other spacing and key order is the same request.
    again = client.post(
        url,
        headers={**headers, "Content-Type": "application/json"},
        content=b'{ "due_on": "2030-01-31",  "owner_id": %d, "title": "Call back every unresolved complaint" }'
        % world["owner"].id,
    )
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert actions_titled(session, "Call back every unresolved complaint") == 1


def test_same_key_different_body_is_refused_naming_the_header(client, app, session, world):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": "reused"}
    url = f"/api/councils/{world['council'].id}/actions"
    assert client.post(url, headers=headers, json=action_body(world, "First")).status_code == 201
    refused = client.post(url, headers=headers, json=action_body(world, "Second"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert "different request" in refused.json()["detail"][0]["msg"]
    assert actions_titled(session, "Second") == 0


def test_same_key_on_another_route_is_refused(client, app, session, world):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": "one-key-two-routes"}
    council_id = world["council"].id
    created = client.post(f"/api/councils/{council_id}/actions", headers=headers, json=action_body(world))
    assert created.status_code == 201
    meeting = {"scheduled_at": "2030-02-01T10:00:00"}
    refused = client.post(f"/api/councils/{council_id}/meetings", headers=headers, json=meeting)
    assert refused.status_code == 422
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Meeting)).one() == 0


def test_keys_are_per_user(client, app, session, world):
    other = make_user(session)
    make_membership(session, council=world["council"], user=other, role=Role.secretary)
    session.commit()
    url = f"/api/councils/{world['council'].id}/actions"
    body = action_body(world, "Each their own")
    for user in (world["chair"], other):
        response = client.post(url, headers={**auth(app, user), "Idempotency-Key": "shared"}, json=body)
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response.headers
    assert actions_titled(session, "Each their own") == 2


def test_a_refused_create_leaves_no_key_so_the_retry_creates(client, app, session, world):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": "fix-and-retry"}
    url = f"/api/councils/{world['council'].id}/actions"
    bad = client.post(url, headers=headers, json={**action_body(world), "owner_id": 999_999})
    assert bad.status_code in (404, 422)
    session.expire_all()
    assert session.exec(select(IdempotencyKey).where(IdempotencyKey.key == "fix-and-retry")).first() is None
    good = client.post(url, headers=headers, json=action_body(world, "Fixed"))
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good.headers
    assert actions_titled(session, "Fixed") == 1


def test_a_key_is_forgotten_after_a_day(client, app, session, world):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": "yesterday"}
    url = f"/api/councils/{world['council'].id}/actions"
    body = action_body(world, "Daily")
    assert client.post(url, headers=headers, json=body).status_code == 201
    row = session.exec(select(IdempotencyKey).where(IdempotencyKey.key == "yesterday")).one()
    row.created_at = utcnow() - timedelta(hours=25)
    session.add(row)
    session.commit()
    again = client.post(url, headers=headers, json=body)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert actions_titled(session, "Daily") == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "é".encode()])
def test_a_malformed_key_is_a_422_naming_the_header(client, app, session, world, key):
    headers = {**auth(app, world["chair"]), "Idempotency-Key": key}
    response = client.post(
        f"/api/councils/{world['council'].id}/actions", headers=headers, json=action_body(world, "Bad key")
    )
    assert response.status_code == 422
    assert ["header", "Idempotency-Key"] in [e["loc"] for e in response.json()["detail"]]
    assert actions_titled(session, "Bad key") == 0


def _creates(app) -> list[APIRoute]:
    from app.errors import _api_routes

    return [r for r in _api_routes(app.routes) if "POST" in r.methods and r.status_code == 201]


def test_every_api_create_takes_the_header_and_openapi_says_so(client, app):
    creates = _creates(app)
    assert len(creates) >= 19
    assert all(isinstance(route, CreateRoute) and route.idempotent for route in creates)
    schema = client.get("/openapi.json").json()
    for route in creates:
        parameters = schema["paths"][route.path]["post"].get("parameters", [])
        header = [p for p in parameters if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert header and not header[0]["required"], route.path
