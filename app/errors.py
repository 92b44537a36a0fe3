"""Domain errors, defined once, and the handlers that turn them into responses."""

import math
import weakref
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    """An error a person can act on; its message is safe to show."""

    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(AppError):
    status_code = 404


class Forbidden(AppError):
    status_code = 403


class Conflict(AppError):
    status_code = 409


class PreconditionFailed(AppError):
    """A stale If-Match (or version): `current`, when given, is what is stored now, for the 412 body."""

    status_code = 412

    def __init__(self, detail: str, *, current: dict | None = None) -> None:
        super().__init__(detail)
        self.current = current


IF_MATCH_HEADER = "If-Match"


class PreconditionRequired(AppError):
    """A versioned write sent without If-Match (RFC 6585): it would overwrite blind."""

    status_code = 428

    def __init__(self) -> None:
        super().__init__(
            f"This write needs an {IF_MATCH_HEADER} header, so it cannot overwrite someone else's change: "
            f"GET the record first, then send its ETag response header back as {IF_MATCH_HEADER} "
            f'(e.g. {IF_MATCH_HEADER}: "3"). A 412 answer means it changed since; fetch it again.'
        )


def missing_if_match(errors: list[dict]) -> bool:
    """Whether a request to a real address lacks its If-Match header (428 before any body error).

    A malformed address (a path or query parameter) stays a 422: there is no record to
    fetch the ETag of.
    """
    locations = [[str(part).lower() for part in e.get("loc", ())] for e in errors]
    if any(loc and loc[0] in ("path", "query") for loc in locations):
        return False
    return any(
        e.get("type") == "missing" and loc == ["header", "if-match"] for e, loc in zip(errors, locations, strict=True)
    )


class TooLarge(AppError):
    """An upload over its size limit; the message names the limit."""

    status_code = 413


class Invalid(AppError):
    """Input that passed the schema but breaks a rule; `field` names what to fix."""

    status_code = 422

    def __init__(self, detail: str, *, field: str) -> None:
        super().__init__(detail)
        self.field = field


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def error_body(exc: AppError) -> dict:
    if isinstance(exc, Invalid):
        # The same shape as FastAPI's own validation errors, so clients parse one thing.
        return {"detail": [{"loc": ["body", exc.field], "msg": exc.detail, "type": "value_error"}]}
    if isinstance(exc, PreconditionFailed) and exc.current is not None:
        return {"detail": exc.detail, "current": exc.current}
    return {"detail": exc.detail}


# How much of a refused value the 422 repeats back: enough to recognise it, never a whole upload.
_ECHO_LIMIT = 200


def _json_safe(value):
    """A validation error's parts as JSON can carry them: the 422 itself must never be a 500.

    NaN and infinity become text (Python's JSON reader accepts them, its writer refuses them);
    a lone surrogate ("\\ud800" in a JSON string) cannot be written as UTF-8, so it is escaped
    as the text a person would type; a long input is cut to what identifies it.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value if len(value) <= _ECHO_LIMIT else value[:_ECHO_LIMIT] + "…"
    if isinstance(value, dict):
        return {_json_safe(str(key)): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _field_problem(error: dict) -> str:
    """One validation error in a person's words, naming the field and never repeating the input."""
    message = str(error.get("msg", "")).removeprefix("Value error, ").replace("Input should be", "must be")
    return _json_safe(f"{str(error['loc'][-1]).replace('_', ' ')} {message}")


# Renders the error page for a browser: (request, status code, message) -> response.
ErrorPage = Callable[[Request, int, str], Response]


def install_error_handlers(app: FastAPI, *, render_error: ErrorPage) -> None:
    """JSON for the API, a friendly page for browsers.

    The page renderer is passed in by the app factory: the web layer imports this module,
    so importing the web layer from here would close a circle (errors → web → auth → errors).
    """

    async def app_error(request: Request, exc: AppError) -> Response:
        if wants_html(request):
            return render_error(request, exc.status_code, exc.detail)
        return JSONResponse(error_body(exc), status_code=exc.status_code)

    async def integrity_error(request: Request, exc: IntegrityError) -> Response:
        # A race past a service check (two people adding the same email at once) is a
        # conflict for the person, never a 500.
        return await app_error(request, Conflict("That change conflicts with existing data."))

    async def stale_data(request: Request, exc: StaleDataError) -> Response:
        # Someone else's write to the same version landed first (optimistic locking).
        return await app_error(
            request,
            PreconditionFailed("Someone else changed this record at the same moment; reload it and try again."),
        )

    async def request_validation(request: Request, exc: RequestValidationError) -> Response:
        if missing_if_match(exc.errors()):
            return await app_error(request, PreconditionRequired())
        if wants_html(request):
            in_query = [e for e in exc.errors() if e["loc"] and e["loc"][0] == "query"]
            if request.method == "GET" and in_query:
                # A filter or page number in the address that is not one: say which, and what it must be.
                said = "; ".join(_field_problem(e) for e in in_query)
                return render_error(request, 422, f"This address asks for something the page cannot show ({said}).")
            if request.method == "GET":
                # A page address with a malformed id: for a person, no such page.
                return render_error(request, 404, "There is no such page; check the address.")
            fields = ", ".join(_json_safe(str(e["loc"][-1])).replace("_", " ") for e in exc.errors())
            return render_error(request, 422, f"Some of the form could not be read ({fields}); go back and check it.")
        # FastAPI's own handler, except that it echoes the input, and Python's JSON reader
        # accepts NaN, which its JSON writer then refuses.
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

    async def no_such_address(request: Request, exc: StarletteHTTPException) -> Response:
        # An address no route matches: a browser gets the site's error page (with its way home),
        # not a JSON body, which a screen reader reads as a page without a language or title.
        if wants_html(request) and exc.status_code == 404:
            return render_error(request, 404, "There is no such page; check the address.")
        return await http_exception_handler(request, exc)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(StarletteHTTPException, no_such_address)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(IntegrityError, integrity_error)


class ErrorMessage(BaseModel):
    """The body of every API error but a validation error: one sentence a person can act on."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(BaseModel):
    """FastAPI's validation error body (and `Invalid`'s): what to fix, field by field."""

    detail: list[FieldError]


_ERROR_DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8, or not the declared format)",
    401: "Not signed in, or the token has expired",
    403: "Signed in, but without the role this needs",
    404: "No such record, or not one you can see",
    409: "The change conflicts with the record's state or with existing data",
    412: "Someone else changed the record first; reload it and try again",
    428: "The If-Match header is missing: GET the record and send its ETag back as If-Match",
}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_PUBLIC_API = {"/api/health", "/api/auth/token"}


def _api_routes(routes) -> list[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI keeps those as the router's own routes)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


# By route, answered once: the routers' routes are module-level, the same objects in every app a
# process builds (each test's, each worker's), and walking a route's dependencies costs about 1 ms:
# 150 of them were most of create_app. Weak, so a route made with its app (/api/health) goes with it.
_IF_MATCH: dict[int, tuple[weakref.ref[APIRoute], bool]] = {}


def requires_if_match(route: APIRoute) -> bool:
    """Whether the route takes the (required) If-Match header: a versioned write."""
    kept = _IF_MATCH.get(id(route))
    if kept is None or kept[0]() is not route:
        takes = any(param.alias.lower() == "if-match" for param in get_flat_params(route.dependant))
        kept = (weakref.ref(route), takes)
        _IF_MATCH[id(route)] = kept
    return kept[1]


def document_error_responses(app: FastAPI) -> None:
    """Add the errors the shared handlers and dependencies can answer to every /api route's schema.

    Every signed-in route can answer 401 and 403; one with a body, 400 (FastAPI's answer
    to a body it cannot decode); one with a record in its path, 404;
    any write, 409 (a unique or foreign key refused, see `integrity_error`) and 412 (a
    concurrent write, see `stale_data`); a versioned write (If-Match), 428. A route's own
    entry for a status wins. The routers
    are module-level, so this runs again for each app and changes nothing the second time.
    """
    for route in _api_routes(app.routes):
        if not route.path.startswith("/api") or route.path in _PUBLIC_API:
            continue
        statuses = [401, 403]
        if route.dependant.body_params:
            statuses.append(400)
        if "{" in route.path:
            statuses.append(404)
        if route.methods & _WRITES:
            statuses += [409, 412]
        if requires_if_match(route):
            statuses.append(428)
        for status in statuses:
            if status in route.responses or str(status) in route.responses:
                continue
            route.responses[status] = {"model": ErrorMessage, "description": _ERROR_DESCRIPTIONS[status]}
            route.response_fields[status] = create_model_field(
                name=f"Response_{status}_{route.unique_id}", type_=ErrorMessage, mode="serialization"
            )
