"""A worker readies itself before it takes a request (PREPARE_WORKERS, on under `council serve`): its routes are
built and its PostgreSQL pool's connections opened; a database that refuses or is slow never stops it starting."""

import logging

import pytest
from fastapi.routing import _IncludedRouter
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.db import FILL_CONNECT_TIMEOUT_S, POOL_SIZE, fill_pool, make_engine
from app.main import create_app
from tests.conftest import engine_independent
from tests.pg import free_port


def _included(app) -> list[_IncludedRouter]:
    return [route for route in app.router.routes if isinstance(route, _IncludedRouter)]


@engine_independent  # the routes are the same on either engine
def test_a_prepared_worker_has_built_the_routes_its_requests_then_use(settings):
    app = create_app(settings.model_copy(update={"PREPARE_WORKERS": True}))
    routers = _included(app)
    assert all(router._effective_candidates_version is None for router in routers), "FastAPI builds them lazily"
    with TestClient(app) as client:
        assert all(router._effective_candidates_version is not None for router in routers)
        built = {id(router): router._effective_candidates for router in routers}
        assert len(list(routers[0].effective_route_contexts())) == len(routers[0].original_router.routes)
        assert client.get("/api/health").status_code == 200
        assert client.get("/login").status_code == 200
        assert client.get("/api/no-such-thing").status_code == 404
        assert client.put("/api/actions/1").status_code == 405
    # What the requests used is what start-up built: nothing was built again.
    assert all(router._effective_candidates is built[id(router)] for router in routers)


@engine_independent
def test_an_app_not_prepared_builds_its_routes_when_requests_reach_them(client, app):
    assert not app.state.settings.PREPARE_WORKERS
    assert all(router._effective_candidates_version is None for router in _included(app))
    assert client.get("/login").status_code == 200
    assert any(router._effective_candidates_version is not None for router in _included(app))


@pytest.mark.parametrize("db_backend", ["postgresql"])
def test_a_prepared_worker_holds_the_pools_connections_when_it_starts(settings):
    app = create_app(settings.model_copy(update={"PREPARE_WORKERS": True}))
    opened = []
    event.listen(app.state.engine, "connect", lambda dbapi_connection, _record: opened.append(dbapi_connection))
    try:
        with TestClient(app) as client:
            assert app.state.engine.pool.checkedin() == POOL_SIZE
            for _ in range(3):
                assert client.get("/api/health").status_code == 200
            assert len(opened) == POOL_SIZE, "the requests took connections the start had opened"
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("db_backend", ["postgresql"])
def test_only_the_connections_opened_to_fill_the_pool_give_up_early(db_url):
    engine = make_engine(db_url)
    timeouts = []
    event.listen(engine, "do_connect", lambda _d, _r, _cargs, cparams: timeouts.append(cparams.get("connect_timeout")))
    try:
        assert fill_pool(engine) == POOL_SIZE
        assert timeouts == [FILL_CONNECT_TIMEOUT_S] * POOL_SIZE
        engine.dispose()
        with engine.connect():
            pass
        assert timeouts[-1] is None, "a request's connection waits as long as the driver lets it"
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_backend", ["postgresql"])
def test_filling_stops_at_its_deadline(db_url, caplog):
    engine = make_engine(db_url)
    try:
        with caplog.at_level(logging.WARNING, logger="council.db"):
            assert fill_pool(engine, within_s=0) == 0
        assert "the rest as requests need them" in caplog.text
    finally:
        engine.dispose()


@engine_independent  # the database is one that refuses
def test_a_worker_starts_when_the_database_refuses(settings, caplog):
    refused = f"postgresql+psycopg://app@127.0.0.1:{free_port()}/nothing_listens_here"
    app = create_app(settings.model_copy(update={"PREPARE_WORKERS": True, "DATABASE_URL": refused}))
    with (
        caplog.at_level(logging.WARNING, logger="council.db"),
        TestClient(app, raise_server_exceptions=False) as client,
    ):
        assert client.get("/login").status_code == 200  # a page that reads nothing
        assert client.get("/api/health").status_code == 503  # the database is unreachable (tests/core/test_health.py)
    assert "could not open the pool's connections (0 opened)" in caplog.text
    assert app.state.engine.pool.checkedin() == 0


@pytest.mark.parametrize("db_backend", ["sqlite"])
def test_sqlite_has_no_pool_to_fill(db_url):
    engine = make_engine(db_url)
    opened = []
    event.listen(engine, "connect", lambda dbapi_connection, _record: opened.append(dbapi_connection))
    try:
        assert fill_pool(engine) == 0
        assert opened == []
    finally:
        engine.dispose()
