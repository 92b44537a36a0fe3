"""The permission matrix: every /api route × every kind of person.

Generated from the app's route table, so a new route without an entry here fails
`test_every_api_route_is_in_the_matrix` until someone decides who may call it.
"""

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.auth import create_access_token, hash_password
from app.errors import _api_routes, requires_if_match
from app.main import create_app
from app.models import Action, Council, Department, Meeting, Membership, User
from tests import snapshot as snapshots
from tests.conftest import engine_for, settings_for
from tests.routecache import check_no_overrides

ACTORS = ["anonymous", "outsider", "observer", "member", "owner", "secretary", "chair", "admin"]
EVERYONE_SIGNED_IN = {"outsider", "observer", "member", "owner", "secretary", "chair", "admin"}
IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
ADMIN_ONLY = {"admin"}

# For each route: who succeeds, and the body to send. Everyone else gets the status
# their relation implies: 401 anonymous, 404 outside the council (it does not exist for
# them), 403 inside the council without the role (or 404 where the role cannot see it).
MATRIX: dict[tuple[str, str], dict] = {
    ("GET", "/api/health"): {"ok": set(ACTORS)},
    ("POST", "/api/auth/token"): {"ok": set(ACTORS), "form": True},
    ("GET", "/api/me"): {"ok": EVERYONE_SIGNED_IN},
    ("PATCH", "/api/me"): {"ok": EVERYONE_SIGNED_IN, "json": {"name": "Renamed Person"}},
    ("GET", "/api/users"): {"ok": ADMIN_ONLY, "outside": 403},
    ("POST", "/api/users"): {
        "ok": ADMIN_ONLY,
        "outside": 403,
        "json": {"email": "made@example.com", "name": "Made", "password": "long-enough-pw"},
    },
    ("GET", "/api/users/{user_id}"): {"ok": ADMIN_ONLY, "outside": 403},
    ("PATCH", "/api/users/{user_id}"): {"ok": ADMIN_ONLY, "outside": 403, "json": {"name": "Renamed"}},
    ("GET", "/api/councils"): {"ok": EVERYONE_SIGNED_IN},
    ("GET", "/api/councils/{council_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/councils/{council_id}"): {"ok": {"chair"}, "json": {"name": "Renamed council"}},
    ("DELETE", "/api/councils/{council_id}"): {"ok": {"chair"}},
    ("GET", "/api/councils/{council_id}/departments"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/departments"): {"ok": {"chair"}, "json": {"name": "Compliance"}},
    ("GET", "/api/councils/{council_id}/departments/{department_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/councils/{council_id}/departments/{department_id}"): {
        "ok": {"chair"},
        "json": {"name": "Metering"},
    },
    ("DELETE", "/api/councils/{council_id}/departments/{department_id}"): {"ok": {"chair"}},
    ("GET", "/api/councils/{council_id}/members"): {"ok": IN_COUNCIL},
    ("GET", "/api/councils/{council_id}/members/{member_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/councils/{council_id}/members/{member_id}"): {"ok": {"chair"}, "json": {"role": "observer"}},
    ("DELETE", "/api/councils/{council_id}/members/{member_id}"): {"ok": {"chair"}},
    ("GET", "/api/councils/{council_id}/meetings"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/meetings"): {
        "ok": {"chair"},
        "json": {"scheduled_at": "2031-03-04T10:00:00+00:00"},
    },
    ("GET", "/api/meetings/{meeting_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/meetings/{meeting_id}"): {"ok": {"chair", "secretary"}, "json": {"location": "Room 2"}},
    ("DELETE", "/api/meetings/{meeting_id}"): {"ok": {"chair"}},
    ("GET", "/api/me/actions"): {"ok": EVERYONE_SIGNED_IN},
    ("GET", "/api/councils/{council_id}/actions"): {"ok": IN_COUNCIL},
    ("GET", "/api/councils/{council_id}/actions.csv"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/actions"): {
        "ok": {"chair", "secretary"},
        "json": {"title": "Call back", "owner_id": "{owner_seat}", "due_on": "2031-01-01"},
    },
    # Observers see only their own actions, so someone else's does not exist for them.
    ("GET", "/api/actions/{action_id}"): {"ok": IN_COUNCIL - {"observer"}, "observer": 404},
    ("GET", "/api/actions/{action_id}/history"): {"ok": IN_COUNCIL - {"observer"}, "observer": 404},
    ("PATCH", "/api/actions/{action_id}"): {
        "ok": {"owner", "secretary", "chair"},
        "observer": 404,
        "json": {"status": "in_progress"},
    },
    ("DELETE", "/api/actions/{action_id}"): {"ok": {"chair"}, "observer": 404},
    # Members of the council comment on an action; an observer reads the thread of one they own.
    ("GET", "/api/actions/{action_id}/comments"): {"ok": IN_COUNCIL - {"observer"}, "observer": 404},
    ("POST", "/api/actions/{action_id}/comments"): {
        "ok": {"member", "owner", "secretary", "chair"},
        "observer": 404,
        "json": {"text": "The depot list is in the shared folder."},
    },
}


# Each later domain keeps its rows of the matrix, and the records they need, beside it.
DOMAIN_MATRICES = [
    importlib.import_module(f"tests.security.matrix_{name}")
    for name in (
        "agenda",
        "responses",
        "measures",
        "journeys",
        "initiatives",
        "minutes",
        "feedback",
        "invitations",
        "sessions",
        "archive",
        "series",
        "template",
        "outbox",
        "notifications",
        "due_requests",
        "papers",
    )
]
for _module in DOMAIN_MATRICES:
    MATRIX.update(_module.RULES)


@dataclass
class World:
    ids: dict[str, int]
    users: dict[str, User]
    council: Council
    seats: dict[str, Membership]
    department: Department  # in use: every seat sits in it
    meeting: Meeting
    # actor → bearer token, signed in as part of the world (the matrix's worlds only: build_world(settings=…)).
    tokens: dict[str, str] = field(default_factory=dict)


PASSWORD = "pw-12345678"


# World 0 is built once per process and engine (again after WORLD_MAX_AGE_S or a new day), kept
# (tests/snapshot.py) and copied into each fresh database: building it (a record of every kind,
# ~30 tables) cost more than the requests of most permission tests.
WORLD_MAX_AGE_S = 120.0


@dataclass
class _KeptWorld:
    taken: float
    today: date
    rows: snapshots.Snapshot
    ids: dict[str, int]
    users: dict[str, int]
    seats: dict[str, int]
    council_id: int
    department_id: int
    meeting_id: int
    tokens: dict[str, str]


# By engine, and whether the actors' sign-ins are part of the world (the matrix's) or not (other modules').
_KEPT: dict[tuple[str, bool], _KeptWorld] = {}


def build_world(session, tag: int = 0, *, settings=None) -> World:
    """One council with a seat of every kind, an action owned by `owner`, and an outsider.

    `tag` keeps the emails of several worlds in one database apart. World 0 in a fresh database
    (the usual case) is a copy of the one this process built last: the same rows and ids.
    With `settings`, every actor is also signed in (`World.tokens`, bearer tokens the app takes):
    the sign-ins are rows of the world, so every copy of it has them.
    """
    if tag != 0 or session.new or session.dirty or session.deleted:
        return _build_world(session, tag)
    session.commit()  # nothing pending: ends any transaction the session held open
    engine = session.get_bind()
    if not snapshots.is_empty(engine):
        return _build_world(session, tag)
    kept = _KEPT.get((engine.dialect.name, settings is not None))
    if _stale(kept):
        return _build_and_keep(session, settings)
    snapshots.restore(engine, kept.rows)
    return _world_of(session, kept)


def fresh_world(session, *, signed_in: bool = False) -> World:
    """The database holding world 0 alone again, as it was before any request (this test's world 0).

    What each accepted write in the permission matrix is followed by: the next actor's request
    meets untouched records, and no other world's. `signed_in`: the world built with `settings`.
    """
    return _world_of(session, restore_world(session, signed_in=signed_in))


def restore_world(session, *, signed_in: bool = False) -> _KeptWorld:
    """`fresh_world` but for loading its records: the ids, emails and tokens of every copy are the same."""
    session.expunge_all()  # the app may have deleted what this session still holds
    session.rollback()
    engine = session.get_bind()
    kept = _KEPT.get((engine.dialect.name, signed_in))
    assert kept is not None, "fresh_world follows a build_world(session) in a fresh database"
    snapshots.restore(engine, kept.rows)
    return kept


def _build_and_keep(session, settings) -> World:
    """World 0, built in an empty database and kept for the copies that follow."""
    engine = session.get_bind()
    world = _build_world(session, 0)
    if settings is not None:
        world.tokens = {
            actor: create_access_token(session=session, user=world.users[actor], settings=settings, user_agent="pytest")
            for actor in ACTORS
            if actor != "anonymous"
        }
        session.commit()
    _KEPT[(engine.dialect.name, settings is not None)] = _KeptWorld(
        taken=time.monotonic(),
        today=date.today(),
        rows=snapshots.take(engine),
        ids=dict(world.ids),
        users={name: user.id for name, user in world.users.items()},
        seats={name: seat.id for name, seat in world.seats.items()},
        council_id=world.council.id,
        department_id=world.department.id,
        meeting_id=world.meeting.id,
        tokens=dict(world.tokens),
    )
    return world


def _world_of(session, kept: _KeptWorld) -> World:
    session.expire_all()
    # A query a table (not a get a row: seventeen round trips, after every accepted write in the matrix).
    users = {row.id: row for row in session.exec(select(User).where(col(User.id).in_(kept.users.values())))}
    seats = {row.id: row for row in session.exec(select(Membership).where(col(Membership.id).in_(kept.seats.values())))}
    return World(
        ids=dict(kept.ids),
        users={name: users[user_id] for name, user_id in kept.users.items()},
        council=session.get(Council, kept.council_id),
        seats={name: seats[seat_id] for name, seat_id in kept.seats.items()},
        department=session.get(Department, kept.department_id),
        meeting=session.get(Meeting, kept.meeting_id),
        tokens=dict(kept.tokens),
    )


def _stale(kept: _KeptWorld | None) -> bool:
    return kept is None or kept.today != date.today() or time.monotonic() - kept.taken > WORLD_MAX_AGE_S


@dataclass
class Place:
    """One engine's database, app and client, shared by the matrix's tests on that engine in a worker."""

    app: FastAPI
    client: TestClient
    session: Session
    empty: snapshots.Snapshot  # the database as migrated, no rows


@pytest.fixture(scope="module")
def places(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], Place]]:
    """`places(engine) -> Place`, opened on first use and kept until the module's last test in this worker.

    An app and a database per test cost more than most of the matrix's requests (about 0.2 s of
    set-up a test); every test starts from world 0 restored whole (`matrix_world`), so sharing
    them shares no state: test_a_write_in_one_test_is_not_seen_by_the_next shows it.
    """
    opened: dict[str, Place] = {}
    with ExitStack() as stack:

        def place(backend: str) -> Place:
            if backend not in opened:
                if backend == "sqlite":
                    folder = tmp_path_factory.mktemp("matrix")
                    url = request.getfixturevalue("sqlite_databases").create(folder / "council.db")
                else:
                    # A database of its own (a copy of the migrated template, ~35 ms), not the working one
                    # that a function-scoped test in the same module (test_if_match's) empties under it.
                    pg = request.getfixturevalue("pg_databases")
                    name = pg.cluster.new_name("matrix")
                    url = pg.create(name)
                    stack.callback(pg.drop, name)
                engine = engine_for(url)
                stack.callback(engine.dispose)
                session = stack.enter_context(Session(engine, expire_on_commit=False))
                app = create_app(settings_for(url))
                stack.callback(app.state.engine.dispose)
                client = stack.enter_context(TestClient(app))
                opened[backend] = Place(app=app, client=client, session=session, empty=snapshots.take(engine))
            return opened[backend]

        yield place
    for opened_place in opened.values():
        check_no_overrides(opened_place.app)


def matrix_world(place: Place) -> World:
    """World 0 with every actor signed in, alone in `place`'s database: what each matrix test starts from.

    Whatever the last test wrote (accepted or not) is gone: every row is the kept world's again.
    """
    session = place.session
    session.expunge_all()  # the app may have deleted what this session still holds
    session.rollback()
    place.client.cookies.clear()
    engine = session.get_bind()
    if _stale(_KEPT.get((engine.dialect.name, True))):
        snapshots.restore(engine, place.empty)
        session.expire_all()
        return _build_and_keep(session, place.app.state.settings)
    return fresh_world(session, signed_in=True)


def _build_world(session, tag: int) -> World:
    password_hash = hash_password(PASSWORD)
    users = {
        name: User(
            email=f"{name}.{tag}@example.com",
            name=name.title(),
            password_hash=password_hash,
            is_site_admin=name == "admin",
        )
        for name in ["outsider", "observer", "member", "owner", "secretary", "chair", "admin", "spare"]
    }
    session.add_all(users.values())
    council = Council(name="Matrix council")
    elsewhere = Council(name="Outsider's own council")
    session.add_all([council, elsewhere])
    session.flush()
    used = Department(council_id=council.id, name="Billing")
    unused = Department(council_id=council.id, name="Unused")
    session.add_all([used, unused])
    session.flush()
    seats = {
        name: Membership(council_id=council.id, user_id=users[name].id, role=role, department_id=used.id)
        for name, role in [
            ("observer", "observer"),
            ("member", "member"),
            ("owner", "member"),
            ("secretary", "secretary"),
            ("chair", "chair"),
            ("spare", "member"),
        ]
    }
    session.add_all(seats.values())
    session.add(Membership(council_id=elsewhere.id, user_id=users["outsider"].id, role="chair"))
    # Under way (started an hour ago, still scheduled): minutes may be circulated from a meeting's start.
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    meeting = Meeting(council_id=council.id, number=1, scheduled_at=started)
    session.add(meeting)
    session.flush()
    action = Action(
        council_id=council.id,
        title="Fix repeat visits",
        owner_id=seats["owner"].id,
        department_id=used.id,
        due_on=date.today() + timedelta(days=7),
    )
    session.add(action)
    session.flush()
    world = World(
        ids={
            "council_id": council.id,
            "department_id": unused.id,
            "used_department_id": used.id,
            "member_id": seats["spare"].id,
            "meeting_id": meeting.id,
            "action_id": action.id,
            "user_id": users["spare"].id,
            "owner_seat": seats["owner"].id,
        },
        users=users,
        council=council,
        seats=seats,
        department=used,
        meeting=meeting,
    )
    for module in DOMAIN_MATRICES:
        world.ids.update(module.arrange(session, world))
        session.flush()
    session.commit()
    return world


def resolve(body, ids: dict[str, int]):
    """The body with every "{name}" string replaced by that record's id, at any depth."""
    if isinstance(body, dict):
        return {key: resolve(value, ids) for key, value in body.items()}
    if isinstance(body, list):
        return [resolve(value, ids) for value in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return ids[body[1:-1]]
    return body


def expected_status(rule: dict, actor: str, method: str, path: str) -> int | str:
    if actor in rule["ok"]:
        return "ok"
    if actor == "anonymous":
        return 401
    if actor in rule:
        return rule[actor]
    if actor in IN_COUNCIL:
        return 403
    return rule.get("outside", 404 if "{" in path else 403)


def test_every_api_route_is_in_the_matrix():
    from app.config import Settings

    app = create_app(Settings(ENVIRONMENT="test", DATABASE_URL="sqlite://", SECRET_KEY="x" * 40))
    # The OpenAPI document lists every JSON route with its methods (routers included).
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api")
        for method in operations
    }
    assert routes == set(MATRIX), f"missing: {routes - set(MATRIX)}; stale: {set(MATRIX) - routes}"


SAFE = {"GET", "HEAD", "OPTIONS"}
ROUTES = sorted(MATRIX)
# Where a versioned write's ETag is read, when not from a GET of its own address.
ETAG_FROM = {
    "/api/meetings/{meeting_id}/minutes/circulate": "/api/meetings/{meeting_id}/minutes",
    "/api/meetings/{meeting_id}/minutes/approve": "/api/meetings/{meeting_id}/minutes",
}


def if_match_headers(app, client, world: World, method: str, path: str) -> dict[str, str]:
    """If-Match with the record's current ETag (read by the chair) for a versioned write; nothing otherwise."""
    if not any(r.path == path and method in r.methods and requires_if_match(r) for r in _api_routes(app.routes)):
        return {}
    read = ETAG_FROM.get(path, path).format(**world.ids)
    return {"If-Match": client.get(read, headers={"Authorization": f"Bearer {world.tokens['chair']}"}).headers["ETag"]}


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_permission_matrix(places, db_backend, method, path):
    """Every kind of person against one route: refusals first, then each allowed write on a fresh world."""
    place = places(db_backend)
    app, client, session = place.app, place.client, place.session
    rule = MATRIX[(method, path)]
    # Refused actors change nothing, so they share a world; after an accepted write the
    # next actor gets a new world (world 0 again, alone), so each success is measured on untouched records.
    order = sorted(ACTORS, key=lambda actor: actor in rule["ok"])
    world = matrix_world(place)
    emails = {name: user.email for name, user in world.users.items()}
    failures = []
    for actor in order:
        # A rule may name other records for its path's ids ("ids": {"meeting_id": "upcoming_meeting_id"}).
        url = path.format(**{**world.ids, **{key: world.ids[other] for key, other in rule.get("ids", {}).items()}})
        # Versioned writes carry the current ETag, so what is measured is who may, not the version.
        headers = if_match_headers(app, client, world, method, path)
        if actor != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        kwargs = {}
        if rule.get("form"):
            email = emails[actor] if actor != "anonymous" else "nobody@example.com"
            kwargs["data"] = {"username": email, "password": PASSWORD}
        elif "json" in rule:
            kwargs["json"] = resolve(rule["json"], world.ids)
        elif "files" in rule:
            kwargs["files"] = rule["files"]
        response = client.request(method, url, headers=headers, **kwargs)
        expected = expected_status(rule, actor, method, path)
        if method == "POST" and path == "/api/auth/token":
            # Anyone may ask; only real accounts get a token.
            expected = 401 if actor == "anonymous" else "ok"
        succeeded = 200 <= response.status_code < 300
        if expected == "ok" and not succeeded:
            failures.append(f"{actor}: expected 2xx, got {response.status_code} {response.text[:300]}")
        elif expected != "ok" and (response.status_code != expected or "detail" not in response.json()):
            failures.append(f"{actor}: expected {expected}, got {response.status_code} {response.text[:300]}")
        if succeeded and method not in SAFE:
            restore_world(session, signed_in=True)
    assert not failures, "\n".join(failures)


def test_a_write_in_one_test_is_not_seen_by_the_next(places, db_backend):
    """The matrix's tests share a database and an app per engine: each still starts from world 0 as built.

    What one test leaves behind (a renamed council, a new department, its sign-ins ended, a
    cookie) is what the next one's `matrix_world` must undo.
    """
    place = places(db_backend)
    client = place.client
    world = matrix_world(place)
    chair = {"Authorization": f"Bearer {world.tokens['chair']}"}
    council = f"/api/councils/{world.ids['council_id']}"
    departments = client.get(f"{council}/departments", headers=chair).json()["count"]
    etag = client.get(council, headers=chair).headers["ETag"]
    renamed = client.patch(council, json={"name": "Renamed by the last test"}, headers={**chair, "If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    added = client.post(f"{council}/departments", json={"name": "Left behind"}, headers=chair)
    assert added.status_code == 201, added.text
    member = {"Authorization": f"Bearer {world.tokens['member']}"}
    (own,) = client.get("/api/me/sessions", headers=member).json()["data"]
    assert client.delete(f"/api/me/sessions/{own['id']}", headers=member).status_code == 204
    assert client.get("/api/me", headers=member).status_code == 401
    client.cookies.set("left", "behind")

    world = matrix_world(place)  # as the next test starts

    chair = {"Authorization": f"Bearer {world.tokens['chair']}"}
    assert client.get(council, headers=chair).json()["name"] == "Matrix council"
    assert client.get(f"{council}/departments", headers=chair).json()["count"] == departments
    assert client.get("/api/me", headers={"Authorization": f"Bearer {world.tokens['member']}"}).status_code == 200
    assert not client.cookies
    assert world.council.name == "Matrix council"
