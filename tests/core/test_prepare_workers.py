"""A worker readies itself before it takes a request (PREPARE_WORKERS, on under `council serve`): its routes are
built before the first request reaches them."""

from fastapi.routing import _IncludedRouter
from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import engine_independent


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
