"""Shared fixtures: a database on each engine per test, the app, a live server, a browser.

Every test that asks for `db_url` (directly or through `settings`, `app`, `client`,
`engine`, `session`, `live_server` or `page`) runs twice: `[sqlite]` and `[postgresql]`.
Select one engine with `-k sqlite` or `-k postgresql`.

Arrange data with the factories and `session.commit()` before calling the app: the app
has its own connections and sees committed rows only. Reading back what the app wrote,
call `session.refresh(obj)` (or `session.expire_all()`) for objects already loaded.
"""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from tests.databases import PostgresDatabases, SqliteDatabases
from tests.pg import PostgresCluster, PostgresError, find_bin_dir
from tests.routecache import check_no_overrides
from tests.smtp import inbox, mail_app  # noqa: F401  (fixtures: a real SMTP server on loopback)

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]
# For a test whose subject does not depend on the engine (say why beside the mark): it runs
# once, on SQLite, instead of on both. Replaces `db_backend`'s two values for that test only.
engine_independent = pytest.mark.parametrize("db_backend", ["sqlite"], ids=["sqlite"])
TEST_SECRET_KEY = "test-secret-key-" + "0123456789abcdef" * 2

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps dialling out for updates and sync, and is refused.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI a missing tool is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must be installed)", pytrace=False)
    pytest.skip(reason)


# -- collection ----------------------------------------------------------------------


# The longest tests, longest first (node id prefixes; measured with `--durations`): under
# `make test` each starts as soon as its phase (browser tests or the rest) does, so the run
# does not end with one worker finishing a long test while the other waits. A test missing
# here runs in collection order after these; one listed that no longer exists costs nothing.
SLOW_FIRST = (
    "tests/core/test_bench.py::",  # the whole bench on a tiny council, in subprocesses
    "tests/security/test_fuzz_pages.py::",
    "tests/security/test_throttle.py::test_council_serve_believes_forwarded_for_only_from_named_proxies",
    "tests/migrations/test_migrations.py::test_each_revision_downgrades_and_upgrades_again",
    "tests/core/test_faults.py::test_kill_9_during_a_burst_of_writes_loses_no_acknowledged_write",
    "tests/core/test_workers.py::test_two_workers_every_concurrent_write_lands",
    "tests/core/test_openapi_client.py::",
    # Measured in the CI run of 2026-11-30 (--junitxml; a loaded machine), 30-120 s each there,
    # and not listed before: they started wherever collection put them.
    "tests/pdf/test_pdf_api.py::test_uploaded_papers_are_appended_or_listed_and_a_late_one_stays_out_of_the_circulated_pack",
    "tests/docx/test_minutes_docx.py::test_a_big_meeting_builds_completely",
    "tests/agendas/test_publish_job.py::test_a_job_process_of_its_own_runs_the_job_after_the_commit_and_starts_again_after_a_stop",
    "tests/outbox/test_delivery.py::test_two_deliverers_at_once_send_each_of_500_mails_exactly_once",
    "tests/core/test_charts.py::test_matplotlib_is_not_imported_when_the_app_starts",
    "tests/security/test_permissions.py::test_permission_matrix[postgresql-GET /api/meetings/{meeting_id}/agenda.pdf]",
    "tests/security/test_permissions.py::test_permission_matrix[postgresql-GET /api/meetings/{meeting_id}/minutes.pdf]",
    "tests/security/test_permissions.py::test_permission_matrix[sqlite-GET /api/meetings/{meeting_id}/agenda.pdf]",
    # Browser tests (they run after the others, longest first too; re-measured after the three
    # roles' accessibility walks became one test and screenshots became opt-in). The walk is three
    # tests of a third of its routes each (WALK_PARTS), so the two workers share it.
    "tests/browser/test_a11y_pages.py::test_every_page_has_no_wcag_violations[",
    "tests/browser/test_a11y_pages.py::test_agenda_and_minutes_at_phone_width_have_no_wcag_violations[",
    "tests/browser/test_minutes_browser.py::test_secretary_minutes_the_meeting_and_the_chair_approves_it",
    "tests/browser/test_minutes_browser.py::",
    "tests/browser/test_month_to_month_browser.py::test_a_council_runs_month_to_month",
    "tests/browser/test_a11y_keyboard.py::test_the_secretary_minutes_a_meeting_with_the_keyboard",
    "tests/browser/test_phone_browser.py::test_the_minutes_on_a_phone_one_form_each_with_add_another",
    "tests/browser/test_a11y_keyboard.py::test_the_chair_works_the_agenda_with_the_keyboard",
    "tests/browser/test_corrections_browser.py::",
    "tests/browser/test_initiatives_browser.py::test_pages_on_a_laptop_and_a_phone",
    "tests/browser/test_feedback_browser.py::",
    "tests/browser/test_account_browser.py::",
    "tests/browser/test_series_browser.py::",
    "tests/browser/test_actions_browser.py::",
    "tests/browser/test_phone_browser.py::",
)


def _slow_rank(nodeid: str) -> int:
    return next((rank for rank, prefix in enumerate(SLOW_FIRST) if nodeid.startswith(prefix)), len(SLOW_FIRST))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    # Browser tests last: the fast tests report first, and Playwright's event loop
    # (which stays current on the main thread once started) cannot upset the others.
    # Within each part, the longest tests first (SLOW_FIRST); the rest keep their order.
    items.sort(key=lambda item: (item.get_closest_marker("browser") is not None, _slow_rank(item.nodeid)))


# Tests that must share one worker under `make test` (pytest -n auto --dist loadgroup), by
# node id prefix: the API fuzz's second engine replays the cases its first engine drew.
# (xdist's own @pytest.mark.xdist_group does not group under pytest 9.2: pytest-xdist#1386.)
SAME_WORKER = ("tests/security/test_fuzz.py::test_the_api_survives_fuzzing_and_matches_its_schema[",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under --dist loadgroup: the SAME_WORKER tests as one unit, sent first; every other test alone."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class Scheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for prefix in SAME_WORKER:
                if nodeid.startswith(prefix):
                    return prefix
            return super()._split_scope(nodeid)

    return Scheduling(config, log)


def pytest_report_header(config: pytest.Config) -> list[str]:
    bin_dir = find_bin_dir()
    missing = "not found (these tests will " + ("fail)" if IN_CI else "skip)")
    return [
        f"postgresql: {bin_dir or missing}",
        f"chromium: {CHROMIUM if CHROMIUM.exists() else missing}",
        f"CI: {IN_CI}",
    ]


# -- speed and hygiene ---------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 with test-sized cost: the production parameters take ~0.1 s a hash.

    The dummy hash an unknown email is checked against too: a hash carries its own cost,
    so the one made at import (production cost) kept every sign-in with an unknown email,
    the fuzzers' included, at ~0.1 s of CPU and 64 MiB each.
    """
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    import app.auth

    with pytest.MonkeyPatch.context() as mp:
        if hasattr(app.auth, "password_hash"):
            cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
            mp.setattr(app.auth, "password_hash", cheap)
            if hasattr(app.auth, "_DUMMY_HASH"):
                mp.setattr(app.auth, "_DUMMY_HASH", cheap.hash("not-a-real-password"))
        yield


@pytest.fixture(scope="session", autouse=True)
def _shared_route_contexts() -> Iterator[None]:
    """What FastAPI builds for a route on a first request, built once per process (tests/routecache.py)."""
    from tests.routecache import shared_route_contexts

    with shared_route_contexts():
        yield


@pytest.fixture(autouse=True)
def _fresh_settings_cache() -> Iterator[None]:
    """A test that changes the environment sees it in get_settings(), and no later test does.

    The environment itself is put back too: code under test may set a variable for the
    processes it starts (`council serve` sets JOBS_RUN_IN=process for its workers), and
    without this every later test in that worker ran its jobs in a job process.
    """
    from app.config import get_settings

    saved = dict(os.environ)
    get_settings.cache_clear()
    yield
    if os.environ != saved:
        os.environ.clear()
        os.environ.update(saved)
    get_settings.cache_clear()


# -- databases -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster for the whole session, removed at the end."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    cluster = PostgresCluster(bin_dir)
    try:
        cluster.start()
    except PostgresError as exc:
        cluster.stop()
        pytest.fail(f"could not start the test PostgreSQL cluster:\n{exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_databases(pg_cluster: PostgresCluster) -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases(pg_cluster)
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    return SqliteDatabases(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def db_backend(request: pytest.FixtureRequest) -> str:
    """The engine, `sqlite` or `postgresql`: every database test runs on both."""
    return request.param


@pytest.fixture
def make_database(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """`make_database(migrated=True) -> url`: another database on this test's engine."""
    names = itertools.count(1)
    created: list[str] = []

    def make(*, migrated: bool = True) -> str:
        if db_backend == "sqlite":
            databases: SqliteDatabases = request.getfixturevalue("sqlite_databases")
            return databases.create(tmp_path / f"extra-{next(names)}.db", migrated=migrated)
        pg: PostgresDatabases = request.getfixturevalue("pg_databases")
        name = pg.cluster.new_name("x")
        created.append(name)
        return pg.create(name, migrated=migrated)

    yield make
    if created:
        pg = request.getfixturevalue("pg_databases")
        for name in created:
            pg.drop(name)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> str:
    """A database of this test's own, migrated to head, with no rows."""
    if db_backend == "sqlite":
        databases: SqliteDatabases = request.getfixturevalue("sqlite_databases")
        return databases.create(tmp_path / "council.db")
    return request.getfixturevalue("pg_databases").working()


@pytest.fixture
def empty_db_url(make_database: Callable[..., str]) -> str:
    """An empty database, never migrated: for migration tests."""
    return make_database(migrated=False)


def engine_for(url: str) -> Engine:
    """An engine for arranging data and checking what the app stored.

    On SQLite it keeps the driver's own transaction handling, which begins a
    transaction only before a write: a read then always sees the app's latest commit,
    as it does on PostgreSQL, instead of a snapshot held since the test's first query.
    """
    from app.db import dump_json, make_engine

    if not url.startswith("sqlite"):
        return make_engine(url)
    # JSON written as the app's engines write it (a snapshot's JSON text as it is: app/db.py JsonText).
    engine = create_engine(url, connect_args={"check_same_thread": False}, json_serializer=dump_json)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    return engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The test's own engine on the test database (the app's is `app.state.engine`)."""
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session for factories and assertions; commit before calling the app."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


# -- the app -------------------------------------------------------------------------


def settings_for(db_url: str):
    """The app's settings for a test on `db_url` (the `settings` fixture; module-scoped apps too)."""
    from app.config import Settings

    return Settings(
        _env_file=None,
        ENVIRONMENT="test",
        DATABASE_URL=db_url,
        SECRET_KEY=TEST_SECRET_KEY,
        COOKIE_SECURE=False,
        SMTP_URL=None,
        BASE_URL="http://testserver",
    )


@pytest.fixture
def settings(db_url: str):
    return settings_for(db_url)


@pytest.fixture
def app(settings):
    from app.main import create_app

    application = create_app(settings)
    yield application
    application.state.engine.dispose()
    check_no_overrides(application)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_server(settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    from app.main import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    application = create_app(settings.model_copy(update={"BASE_URL": url}))
    server = uvicorn.Server(
        # proxy_headers off, as `council serve` runs it: the app applies FORWARDED_ALLOW_IPS itself.
        uvicorn.Config(
            application, log_level="warning", access_log=False, timeout_graceful_shutdown=2, proxy_headers=False
        )
    )
    # Handing uvicorn the bound socket leaves no window for another process to take the port.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            application.state.engine.dispose()
            pytest.fail("the live server did not start", pytrace=False)
        time.sleep(0.01)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        application.state.engine.dispose()
    check_no_overrides(application)


# -- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # expect() waits as long as a locator action does (its own default is 5 s), so an assertion
    # made while the page is still arriving waits for it, on a loaded machine too.
    expect.set_options(timeout=10_000)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context(browser, live_server: str):
    """A fresh context (cookies, storage) per test, aimed at the live server."""
    context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London")
    # Fail in seconds, not Playwright's default 30 s, when a selector never appears.
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A page whose relative URLs go to the live server: `page.goto("/")`.

    The pages run under their real Content-Security-Policy; a test whose pages broke it
    (an inline script or handler, a style element, an image from elsewhere) fails at
    teardown, listing each violation.
    """
    from tests.helpers import watch_csp_violations

    browser_page = browser_context.new_page()
    violations = watch_csp_violations(browser_page)
    yield browser_page
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)
