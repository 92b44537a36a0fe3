"""Many people updating one action at once, over real HTTP: no update is ever lost.

Runs against uvicorn on loopback (threads in the server's pool, separate database
connections), on SQLite and on PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlmodel import select

from app.models import ActionEvent, Role
from tests.factories import make_action, make_council, make_membership, make_user
from tests.helpers import access_token

WRITERS = 16


def arrange(session):
    council = make_council(session)
    owner_user = make_user(session)
    owner = make_membership(session, council=council, user=owner_user, role=Role.member)
    action = make_action(session, council=council, owner=owner)
    session.commit()
    return owner_user, action


def test_same_version_many_writers_exactly_one_wins(live_server, settings, session):
    user, action = arrange(session)
    headers = {"Authorization": f"Bearer {access_token(user=user, settings=settings)}"}
    url = f"{live_server}/api/actions/{action.id}"
    etag = httpx.get(url, headers=headers).headers["ETag"]
    start = threading.Barrier(WRITERS)

    def write(n: int) -> int:
        with httpx.Client(timeout=60) as client:
            start.wait()
            response = client.patch(url, headers={**headers, "If-Match": etag}, json={"note": f"writer {n}"})
            return response.status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(write, range(WRITERS)))

    assert sorted(statuses) == [200] + [412] * (WRITERS - 1)
    history = session.exec(select(ActionEvent).where(ActionEvent.action_id == action.id)).all()
    notes = [h.note for h in history if h.note]
    assert len(notes) == 1
    final = httpx.get(url, headers=headers)
    assert final.headers["ETag"] == '"2"'


def test_retrying_writers_each_land_every_write_once(live_server, settings, session):
    user, action = arrange(session)
    headers = {"Authorization": f"Bearer {access_token(user=user, settings=settings)}"}
    url = f"{live_server}/api/actions/{action.id}"
    writers, writes_each = 8, 4
    refused = []

    def write(n: int) -> None:
        with httpx.Client(timeout=60) as client:
            for k in range(writes_each):
                for _attempt in range(200):
                    etag = client.get(url, headers=headers).headers["ETag"]
                    body = {"note": f"writer {n} write {k}", "percent_complete": (n * writes_each + k) % 101}
                    response = client.patch(url, headers={**headers, "If-Match": etag}, json=body)
                    if response.status_code == 200:
                        break
                    assert response.status_code == 412, response.text
                    refused.append(1)
                else:
                    raise AssertionError("a writer never got through")

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))

    accepted = writers * writes_each
    history = session.exec(select(ActionEvent).where(ActionEvent.action_id == action.id)).all()
    notes = sorted(h.note for h in history if h.note)
    # One history entry per accepted write, none for a refused one, none twice.
    assert notes == sorted(f"writer {n} write {k}" for n in range(writers) for k in range(writes_each))
    assert all(not h.without_if_match for h in history)
    assert httpx.get(url, headers=headers).headers["ETag"] == f'"{1 + accepted}"'
