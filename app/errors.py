"""Domain errors, defined once, and the handlers that turn them into responses."""

import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError


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
    status_code = 412


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
    return {"detail": exc.detail}


def _json_safe(value):
    """NaN and infinity as text: a body that sent them gets its 422, not a 500 from the JSON encoder."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def install_error_handlers(app: FastAPI) -> None:
    """JSON for the API, a friendly page for browsers."""

    async def app_error(request: Request, exc: AppError) -> Response:
        if wants_html(request):
            from app.web import render_error

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
        # FastAPI's own handler, except that it echoes the input, and Python's JSON reader
        # accepts NaN, which its JSON writer then refuses.
        return JSONResponse({"detail": _json_safe(jsonable_encoder(exc.errors()))}, status_code=422)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, request_validation)
    app.add_exception_handler(StaleDataError, stale_data)
    app.add_exception_handler(IntegrityError, integrity_error)
