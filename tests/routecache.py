"""Every test's app shares what FastAPI builds for a route the first time a request walks past it.

FastAPI 0.16x builds an included route's request handling (its dependant, a pydantic
TypeAdapter for every parameter, the response fields) lazily, per app, when the first
request walks past it: 1-4 s for a fresh app's first request that matches late or not at
all, paid again by every test, since every test builds its own app. The routers and their
routes are module-level, the same objects in every app, and what is built from them
depends only on the route and how it was included: here it is built once per process.

The one thing of the app in it is `dependency_overrides_provider`; the shared copy gets an
empty stand-in, and `check_no_overrides` (called by the app fixtures) fails a test that sets
`app.dependency_overrides`, which the shared copy would not see. (No test uses them: they
would test a different app than the one that runs.)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from fastapi import routing

_NO_OVERRIDES = SimpleNamespace(dependency_overrides={})


def _key(route, include_context) -> tuple:
    # Every field of the inclusion except the app (the overrides provider), by value.
    shape = dataclasses.replace(include_context, dependency_overrides_provider=None, included_router=None)
    return (id(route), id(include_context.included_router), repr(shape))


@contextmanager
def shared_route_contexts() -> Iterator[None]:
    built: dict[tuple, tuple[object, object]] = {}
    original = routing._EffectiveRouteContext.from_api_route

    def from_api_route(cls, *, original_route, include_context):
        key = _key(original_route, include_context)
        hit = built.get(key)
        if hit is not None and hit[0] is original_route:
            return hit[1]
        neutral = dataclasses.replace(include_context, dependency_overrides_provider=_NO_OVERRIDES)
        context = original(original_route=original_route, include_context=neutral)
        built[key] = (original_route, context)
        return context

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(routing._EffectiveRouteContext, "from_api_route", classmethod(from_api_route))
        yield


def check_no_overrides(application) -> None:
    if application.dependency_overrides:
        pytest.fail(
            "app.dependency_overrides is not seen by the routes the tests share between apps "
            "(tests/routecache.py); arrange data instead of overriding dependencies",
            pytrace=False,
        )
