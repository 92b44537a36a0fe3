"""Routers a path cannot belong to are passed over (app/web/routing.py): every address still reaches its own
route, a wrong method is still 405, and a route added to a router later is still found."""

import re

from fastapi import APIRouter
from fastapi.routing import _IncludedRouter
from starlette.routing import Match

from app.errors import _api_routes
from app.main import create_app
from app.web.routing import _Guard, skip_unmatchable_routers


def _scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "query_string": b""}


def _first_match(app, method: str, path: str):
    """(match, route index) of the first top-level route that matches fully, else the first partial one."""
    partial = None
    for index, route in enumerate(app.router.routes):
        match, _ = route.matches(_scope(method, path))
        if match == Match.FULL:
            return Match.FULL, index
        if match == Match.PARTIAL and partial is None:
            partial = (Match.PARTIAL, index)
    return partial or (Match.NONE, None)


def test_every_route_is_reached_as_without_the_guard(settings):
    guarded = create_app(settings)
    plain = create_app(settings)
    for route in plain.router.routes:  # as FastAPI matches on its own
        if isinstance(route, _IncludedRouter):
            route.__dict__.pop("matches", None)
    assert any(isinstance(r.__dict__.get("matches"), _Guard) for r in guarded.router.routes)
    for route in _api_routes(plain.routes):
        path = re.sub(r"\{[^}]+\}", "7", route.path)
        for method in sorted(route.methods) + ["PUT"]:
            assert _first_match(guarded, method, path) == _first_match(plain, method, path), (method, path)
    for method, path in [("GET", "/no/such/page"), ("GET", "/api/actions"), ("PATCH", "/api/actions/7/")]:
        assert _first_match(guarded, method, path) == _first_match(plain, method, path), (method, path)


def test_an_address_no_route_takes_is_404_and_a_wrong_method_405(client):
    assert client.get("/api/no-such-thing").status_code == 404
    assert client.put("/api/actions/1").status_code == 405


def test_a_route_added_to_an_included_router_later_is_found(settings):
    router = APIRouter()
    app = create_app(settings)
    app.include_router(router)
    skip_unmatchable_routers(app)
    assert _first_match(app, "GET", "/later/7")[0] == Match.NONE

    @router.get("/later/{n}")
    def later(n: int) -> dict:
        return {"n": n}

    assert _first_match(app, "GET", "/later/7")[0] == Match.FULL
