"""Routing that passes over the routers a path cannot belong to.

FastAPI finds a request's route by trying every route of every included router in the
order they were included: about a hundred regular expressions, each with FastAPI's own
bookkeeping around it, before an action's routes (included late) are reached. That was
half a millisecond of every such request, as much as /api/health costs in all.

A route's path starts with the text before its first `{`, so a router none of whose routes
starts the way the path does cannot match it (not fully, nor partly for a 405): that is one
`str.startswith` instead of the router's regular expressions. Any router holding something
other than plain API routes is tried as before, and the order of the routers is untouched.

FastAPI builds an included router's routes for the app (each route's dependencies and the pydantic
models of its parameters and answer) the first time a request reaches that router, and a request
reaches every router before its own: about 1.2 s of CPU for all of them, paid in each worker by
the first people to arrive after a start, holding the interpreter while every other request in
the worker, /api/health too, waited. `build_routes` builds them all when the worker starts
(app/main.py), before it takes a request; FastAPI then uses what it built, as it would have.
"""

from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope


def _literal_starts(router: _IncludedRouter) -> tuple[str, ...] | None:
    """How each of the router's routes starts (the text before its first parameter); None: do not guess."""
    starts: list[str] = []
    for candidate in router.effective_candidates():
        if isinstance(candidate, _IncludedRouter):
            inner = _literal_starts(candidate)
            if inner is None:
                return None
            starts.extend(inner)
        elif isinstance(candidate.original_route, APIRoute) and candidate.path.startswith("/"):
            starts.append(candidate.path.split("{", 1)[0])
        else:
            return None
    return tuple(starts)


class _Guard:
    """The router's own `matches`, asked only when the path starts as one of its routes does."""

    def __init__(self, router: _IncludedRouter) -> None:
        self.router = router
        self.matches = router.matches
        self.version: int | None = None
        self.starts: tuple[str, ...] | None = None

    def prepare(self) -> None:
        """Read how the router's routes start (which builds them), unless it has not changed since."""
        version = self.router.original_router._get_routes_version()
        if version != self.version:
            # Routes added later (a test's, a plugin's) are seen: the starts follow the router.
            self.starts, self.version = _literal_starts(self.router), version

    def __call__(self, scope: Scope) -> tuple[Match, Scope]:
        self.prepare()
        if self.starts is not None and not get_route_path(scope).startswith(self.starts):
            return Match.NONE, {}
        return self.matches(scope)


def skip_unmatchable_routers(app: FastAPI) -> None:
    """Guard each router included in `app` so a path none of its routes could match passes it by."""
    for route in app.router.routes:
        if isinstance(route, _IncludedRouter) and not isinstance(route.__dict__.get("matches"), _Guard):
            route.matches = _Guard(route)


def build_routes(app: FastAPI) -> int:
    """Build every included router's routes now, as the first request to reach each would (see the module); how
    many routes. A router changed later is built again on its next request, as before."""
    built = 0
    for route in app.router.routes:
        if isinstance(route, _IncludedRouter):
            built += sum(1 for _ in route.effective_route_contexts())
            guard = route.__dict__.get("matches")
            if isinstance(guard, _Guard):
                guard.prepare()
    return built
