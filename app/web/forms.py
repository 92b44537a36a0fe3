"""Small page forms: one way to run a write, say what went wrong, and read typed numbers."""

from collections.abc import Callable, Collection
from typing import Annotated, Any

from fastapi import Form, Request
from pydantic import ValidationError
from sqlmodel import Session

from app.common import MAX_ID, parse_decimal, parse_whole
from app.errors import AppError
from app.web.idempotency import ALREADY_SAVED, spend_form_token
from app.web.render import KEPT_KEY, flash

# Page form fields arrive as text and are typed by the schema, so a mistake is named, never a 500.
TextField = Annotated[str, Form()]
ListField = Annotated[list[str], Form()]

_DATE_ERRORS = {"date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"}
_WHOLE_NUMBER_ERRORS = {"int_parsing", "int_type", "int_from_float"}
_NUMBER_ERRORS = {"float_parsing", "float_type"}


def _plain_message(error: dict) -> str:
    """Pydantic's message in a form-filler's words: no "Value error, ", no "Input should be"."""
    kind, ctx, given = error.get("type", ""), error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is required"
    if kind in ("string_too_short", "too_short") and ctx.get("min_length") == 1:
        return "cannot be empty"
    if kind in _DATE_ERRORS:
        shown = f"'{given}' is not a date" if isinstance(given, str) and given.strip() else "needs a date"
        return f"{shown}; use YYYY-MM-DD"
    if kind in _WHOLE_NUMBER_ERRORS:
        return f"'{given}' is not a whole number" if isinstance(given, str) and given else "must be a whole number"
    if kind in _NUMBER_ERRORS:
        return f"'{given}' is not a number" if isinstance(given, str) and given else "must be a number"
    message = error["msg"].removeprefix("Value error, ")
    for robotic, plain in (("Input should be", "must be"), ("String should have", "must have")):
        if message.startswith(robotic):
            message = plain + message[len(robotic) :]
    return message


def form_errors(exc: ValidationError) -> str:
    """Validation errors as one sentence a person can act on: "target: 'lots' is not a number"."""
    parts = []
    for error in exc.errors():
        # The field the person typed in: "customer_impact", not "priority_weights.customer_impact" or "ids.0".
        names = [str(p) for p in error["loc"] if not isinstance(p, int)]
        field = names[-1] if names else "form"
        parts.append(f"{field.replace('_', ' ')}: {_plain_message(error)}")
    return "; ".join(parts)


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Validation errors by the field the person typed in, each in their words ("cannot be empty"); first wins."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        names = [str(p) for p in error["loc"] if not isinstance(p, int)]
        errors.setdefault(names[-1] if names else "form", _plain_message(error))
    return errors


def keep_typed(request: Request) -> None:
    """Keep what was typed into the refused form for the next page, which shows it in the form again.

    The page the person is sent back to reads it with `typed(name, default)` in its template.
    """
    typed = getattr(request.state, "typed", None)
    if typed:
        request.session[KEPT_KEY] = {"action": request.url.path, "values": typed}


def attempt(
    request: Request,
    session: Session,
    apply: Callable[[], Any],
    *,
    keep: Collection[int] = (403, 404),
    message: Callable[[AppError], str | None] | None = None,
    success: str | Callable[[Any], str | None] | None = None,
) -> tuple[bool, Any]:
    """Run one form's write: (True, its result), or roll back, flash why and answer (False, None).

    A mistake a person can fix (a validation error, a refused change) becomes a message on
    the page they came from; errors with a status in `keep` stay error pages. `success` is
    flashed after a write that worked: a text formatted with `result`, or a function of it.
    A create form's one-time token (see app/web/idempotency.py) is spent here, in the write's
    transaction: posted again, nothing is written and the answer is what the first post created.
    """
    once = spend_form_token(request, session)
    if once.first is not None:
        flash(request, ALREADY_SAVED)
        again = once.created(session)
        return again is not None, again
    try:
        result = apply()
    except ValidationError as exc:
        session.rollback()
        flash(request, form_errors(exc), "error")
        keep_typed(request)
        return False, None
    except AppError as exc:
        if exc.status_code in keep:
            raise
        session.rollback()
        flash(request, (message(exc) if message else None) or exc.detail, "error")
        keep_typed(request)
        return False, None
    once.remember(session, result)
    said = success(result) if callable(success) else success.format(result=result) if success else None
    if said:
        flash(request, said)
    return True, result


def number_or_text(value: str, *, blank: float | None = None) -> float | str | None:
    """A number typed in a form; `blank` when empty; anything else is left for the schema to refuse."""
    value = value.strip()
    if not value:
        return blank
    number = parse_decimal(value)  # not float(): it takes "1_000", "١٢", "nan" and "1e999"
    return value if number is None else number


def whole_or_text(value: str | None, *, blank: int | str | None = None) -> int | str | None:
    """A whole number typed in a form; `blank` when empty; anything else is left for the schema to refuse by name."""
    text = (value or "").strip()
    if not text:
        return blank
    number = parse_whole(text)
    return text if number is None else number


def query_id(value: str | None) -> int | None:
    """An id in a page's query string; anything that is not one means "any", never an error page."""
    number = whole_or_text(value)
    return number if isinstance(number, int) and 1 <= number <= MAX_ID else None
