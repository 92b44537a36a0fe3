"""Fuzzing: schemathesis against the app's own OpenAPI schema, in-process, on both engines.

Signed in as the chair of a council with a seat and a record of every kind
(`build_world`), every /api operation gets a bounded, derandomized set of generated
requests: valid requests with generated path parameters, valid requests with the ids of
real records (so the fuzzer reaches the handlers, not only the 404s), and invalid ones
(schemathesis' negative mode: wrong types, missing fields, undecodable bodies). Every
response must be below 500, carry a status code the schema documents, and match the
documented schema and content type. About 1,200 requests per engine.

Deletes run last (the council itself very last), so they do not empty the world the
other operations are fuzzed against.
"""

from __future__ import annotations

import time

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import access_token
from tests.security.test_permissions import build_world

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure per operation is reported as is
    suppress_health_check=list(HealthCheck),
)


def _order(operation) -> tuple[int, str]:
    """Reads and writes first, deletes after them, deleting the council last of all."""
    if operation.method.upper() != "DELETE":
        return (0, operation.label)
    if operation.path == "/api/councils/{council_id}":
        return (2, operation.label)
    return (1, operation.label)


def _strategy(operation, ids: dict[str, int]):
    names = [parameter.name for parameter in operation.path_parameters]
    real = {name: ids[name] for name in names if name in ids}
    strategies = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real or None)]
    if real:
        strategies.append(operation.as_strategy(path_parameters=real))
    return st.one_of(strategies)


# The cases drawn for each operation, kept for the other engine's run in this process.
# Derandomized, and nothing drawn depends on an answer, so both engines get the very same
# requests; drawing them (schemathesis' strategies) costs about as much as answering them.
_DRAWN: dict[tuple[str, frozenset], list] = {}


def _cases(operation, ids: dict[str, int]) -> list:
    """The cases Hypothesis draws for `operation` against the records `ids`, drawn once per process."""
    key = (operation.label, frozenset(ids.items()))
    if key not in _DRAWN:
        drawn: list = []

        @FUZZ_SETTINGS
        @given(case=_strategy(operation, ids))
        def draw(case) -> None:
            drawn.append(case)

        draw()
        _DRAWN[key] = drawn
    return _DRAWN[key]


def _fuzz(operation, ids: dict[str, int], headers: dict[str, str], app) -> str | None:
    """The first failure seen on `operation`, described, or None."""
    for case in _cases(operation, ids):
        try:
            response = case.call(headers=headers, app=app)
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # every failure is reported, then the next operation runs
            return f"{operation.label}: {type(exc).__name__}: {exc}"
    return None


# Both engines on one worker under `make test` (SAME_WORKER in tests/conftest.py): the second replays.
def test_the_api_survives_fuzzing_and_matches_its_schema(app, settings, session) -> None:
    world = build_world(session)
    chair = world.users["chair"]
    headers = {"Authorization": f"Bearer {access_token(user=chair, settings=settings)}"}
    ids = world.ids  # keyed by path parameter name: council_id, meeting_id, measure_id, ...

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    assert len(operations) > 50

    started = time.monotonic()
    failures = [failure for operation in operations if (failure := _fuzz(operation, ids, headers, app))]
    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} operations failed ({elapsed:.1f} s):\n\n" + "\n\n".join(failures)
