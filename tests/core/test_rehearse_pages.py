"""A prepared worker (PREPARE_WORKERS, on under `council serve`) reads the pages people open first once before it
takes a request (app/prepare.py): its first requests of them then compile no statement they read, answer what an
unprepared worker answers, and the rehearsal writes nothing."""

import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_MISS

from app.main import create_app
from app.models import Role
from app.prepare import rehearse_pages
from tests.factories import PASSWORD, make_action, make_council, make_meeting, make_membership, make_user
from tests.web.test_pages import csrf_from

REHEARSED = ["health", "sign-in", "home", "action log", "agenda page", "minutes page"]
# The CSRF token is the sign-in's own (each app's sign-in is another); a form's one-time token is new each render.
CSRF = re.compile(r'(name="csrf_token" value="|data-csrf="|name="form_once" value=")[^"]+"')


@pytest.fixture
def council(session):
    """A council with a chair, a secretary and a member who owns an open action, and a meeting a week ahead."""
    council = make_council(session, chair=make_user(session, email="chair@example.com"))
    secretary = make_user(session, email="secretary@example.com")
    member = make_user(session, email="member@example.com")
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    seat = make_membership(session, council=council, user=member, role=Role.member)
    make_action(session, council=council, owner=seat, title="Call the supplier", due_on=date.today() + timedelta(3))
    meeting = make_meeting(session, council=council)
    session.commit()
    return {"council": council.id, "meeting": meeting.id, "seat": seat.id}


def _app(settings, tmp_path, name: str, *, prepared: bool):
    folder = tmp_path / name
    folder.mkdir()
    return create_app(settings.model_copy(update={"PREPARE_WORKERS": prepared, "AGENDA_SHARE_DIR": str(folder)}))


def _signed_in(app, email: str) -> TestClient:
    client = TestClient(app)
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/home"},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    return client


def _pages(council) -> list[tuple[str, str]]:
    meeting = council["meeting"]
    return [
        ("member@example.com", "/home"),
        ("member@example.com", f"/councils/{council['council']}/actions?owner_id={council['seat']}"),
        ("member@example.com", f"/meetings/{meeting}/agenda"),
        ("secretary@example.com", f"/meetings/{meeting}/minutes"),
    ]


def test_a_prepared_worker_compiles_no_statement_its_first_pages_read(settings, council, tmp_path):
    missed: dict[str, list[str]] = {}
    for prepared in (False, True):
        app = _app(settings, tmp_path, f"share-{prepared}", prepared=prepared)
        with TestClient(app):  # the start (the rehearsal when prepared), then the people
            people = {email: _signed_in(app, email) for email in ("member@example.com", "secretary@example.com")}
            seen: list[str] = []

            def note(_conn, _cursor, statement, _params, context, _many, seen=seen):
                if context is not None and context.cache_hit is CACHE_MISS and statement.lstrip().startswith("SELECT"):
                    seen.append(statement)

            event.listen(app.state.engine, "before_cursor_execute", note)
            for email, path in _pages(council):
                assert people[email].get(path).status_code == 200, path
            event.remove(app.state.engine, "before_cursor_execute", note)
        app.state.engine.dispose()
        # The home page's note of the visit reads the visit in a transaction of its own, to write it: not rehearsed.
        missed[str(prepared)] = [s for s in seen if "home_visits" not in s]
    assert missed["False"], "an unprepared worker compiles the statements of its first pages"
    assert missed["True"] == []


def test_a_prepared_worker_answers_its_first_pages_as_one_that_was_not(settings, council, tmp_path):
    bodies = {}
    for prepared in (True, False):
        app = _app(settings, tmp_path, f"share-{prepared}", prepared=prepared)
        with TestClient(app):
            people = {email: _signed_in(app, email) for email in ("member@example.com", "secretary@example.com")}
            bodies[prepared] = [CSRF.sub(r"\1…", people[email].get(path).text) for email, path in _pages(council)]
        app.state.engine.dispose()
    assert bodies[True] == bodies[False]


def test_the_rehearsal_reads_each_page_and_writes_nothing(settings, council, tmp_path):
    app = _app(settings, tmp_path, "share", prepared=False)
    commits = []
    event.listen(app.state.engine, "commit", lambda conn: commits.append(conn))
    try:
        assert rehearse_pages(app) == REHEARSED
        assert commits == []
    finally:
        app.state.engine.dispose()


def test_a_database_without_councils_rehearses_what_it_can(settings):
    app = create_app(settings)
    try:
        assert rehearse_pages(app) == ["health"]
    finally:
        app.state.engine.dispose()


def test_only_a_prepared_worker_rehearses(settings, council, monkeypatch):
    calls = []
    monkeypatch.setattr("app.main.rehearse_pages", lambda app: calls.append(app) or [])
    for prepared in (False, True):
        app = create_app(settings.model_copy(update={"PREPARE_WORKERS": prepared}))
        with TestClient(app):
            pass
        app.state.engine.dispose()
    assert len(calls) == 1 and calls[0].state.settings.PREPARE_WORKERS
