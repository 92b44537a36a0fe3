"""Creates that happen once: an `Idempotency-Key` on API creates, a one-time token on page create forms.

API (Stripe's semantics): a POST that answers 201 may carry `Idempotency-Key`. The first
request with a key claims it by inserting a row in the create's own transaction; the row
gets the answer (status, body, ETag/Location) just before that transaction commits. A
retry with the same key, user, route and body gets that answer again (with
`Idempotent-Replayed: true`) and creates nothing; the same key with another body or route
is a 422 naming the header. A create that fails rolls its key back, so it may be retried.

Concurrent duplicates: the key's unique constraint makes a second insert wait for the
first transaction (PostgreSQL) or the writer lock does (SQLite's BEGIN IMMEDIATE); it
then finds the committed row and replays it. The constraint decides, not the check before
the insert, so there are never two rows.

Pages: every create form carries `{{ once_field() }}`, a random token made when the page
is rendered. `attempt` (app/web/forms.py) spends it in the create's transaction; a second
post of the same token (double click, back and resubmit, two tabs) creates nothing and is
shown what the first one created. The token is spent per content: sent again with other
values (back, change, save) the form is a new post, so nothing typed is silently dropped.
"""

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select
from sqlmodel.main import default_registry

from app.auth import SESSION_USER_KEY, CurrentUser
from app.db import SessionDep
from app.errors import Conflict
from app.models import IdempotencyKey, UsedFormToken, utcnow
from app.web.csrf import CSRF_FIELD

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# The answer's headers a client acts on; the rest (Date, Content-Length, cookies) are made afresh.
_KEPT_HEADERS = ("content-type", "etag", "location")

KeyHeader = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID): a retry with the same key, body and route replays the first "
        "answer instead of creating again; the same key with another body is refused (422). "
        "Remembered for IDEMPOTENCY_KEY_HOURS (24 by default).",
    ),
]


def _cutoff(request: Request):
    return utcnow() - timedelta(hours=request.app.state.settings.IDEMPOTENCY_KEY_HOURS)


# -- API: Idempotency-Key ---------------------------------------------------------------


class _Replay(Exception):
    """The key was answered before: send that answer again (caught by `CreateRoute`)."""

    def __init__(self, row: IdempotencyKey) -> None:
        super().__init__(row.key)
        self.response = Response(
            row.response_body or "",
            status_code=row.status_code or 200,
            headers={**(row.response_headers or {}), REPLAYED_HEADER: "true"},
        )


def _key_refused(message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("header", IDEMPOTENCY_HEADER), "msg": message, "type": "value_error"}])


def _body_hash(body: bytes) -> str:
    """The body's fingerprint: JSON with sorted keys, so spacing and key order do not make a new request."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


async def _request_body(request: Request) -> bytes:
    """The body as sent; for a multipart upload (which FastAPI parses first, consuming the stream) its fields,
    and each file's name and SHA-256, so the same upload again is the same request."""
    form = getattr(request, "_form", None)
    if form is None:
        return await request.body()
    parts = []
    for name, value in form.multi_items():
        if isinstance(value, str):
            parts.append(f"{name}={value}")
        else:
            value.file.seek(0)
            digest = hashlib.file_digest(value.file, "sha256").hexdigest()
            value.file.seek(0)
            parts.append(f"{name}=file:{value.filename}:{digest}")
    return "\n".join(sorted(parts)).encode()


def _find_key(session: Session, *, user_id: int, key: str) -> IdempotencyKey | None:
    query = select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    return session.exec(query.execution_options(populate_existing=True)).first()


def _claim_key(session: Session, *, claim: IdempotencyKey, cutoff) -> IdempotencyKey:
    """Insert the key row, or raise `_Replay` with the answer it already has."""
    # Expired keys (this user's only: no waiting on other people's transactions) may be used afresh.
    session.exec(
        delete(IdempotencyKey).where(IdempotencyKey.user_id == claim.user_id, IdempotencyKey.created_at < cutoff)
    )
    found = _find_key(session, user_id=claim.user_id, key=claim.key)
    if found is None:
        try:
            with session.begin_nested():
                session.add(claim)
            return claim
        except IntegrityError:
            # A concurrent request with this key committed while this insert waited on the constraint.
            found = _find_key(session, user_id=claim.user_id, key=claim.key)
            if found is None:
                raise
    if (found.method, found.path, found.body_hash) != (claim.method, claim.path, claim.body_hash):
        raise _key_refused(
            f"This {IDEMPOTENCY_HEADER} was already used for a different request "
            f"({found.method} {found.path} with another body); send a new key for a new request."
        )
    if found.status_code is None:
        raise Conflict(f"A request with this {IDEMPOTENCY_HEADER} is still in progress; retry in a moment.")
    raise _Replay(found)


async def claim_idempotency_key(
    request: Request, session: SessionDep, user: CurrentUser, key: KeyHeader = None
) -> None:
    """Claim the request's Idempotency-Key in the create's transaction, or replay the answer it already has."""
    if key is None:
        return
    claim = IdempotencyKey(
        user_id=user.id,
        key=key,
        method=request.method,
        path=request.url.path,
        body_hash=_body_hash(await _request_body(request)),
    )
    # The insert may wait on a concurrent transaction's row lock: never on the event loop.
    request.state.idempotency_key = await run_in_threadpool(_claim_key, session, claim=claim, cutoff=_cutoff(request))
    request.state.idempotency_session = session


def _record_answer(session: Session, row: IdempotencyKey, response: Response) -> None:
    """Keep the answer with the key, in the create's transaction; an answer not worth replaying frees the key."""
    if not 200 <= response.status_code < 300 or not isinstance(getattr(response, "body", None), bytes):
        session.delete(row)
    else:
        row.status_code = response.status_code
        row.response_body = response.body.decode()
        row.response_headers = {name: response.headers[name] for name in _KEPT_HEADERS if name in response.headers}
    session.flush()


class CreateRoute(APIRoute):
    """An API route class: every POST that answers 201 takes an optional Idempotency-Key.

    Set on each API router (`APIRouter(..., route_class=CreateRoute)`), so a new create
    route is idempotent without a line of its own. The answer is recorded after it is
    built and before the session dependency commits (its scope is the function, which
    FastAPI closes only after the handler below returns).
    """

    def __init__(self, path: str, endpoint: Any, **kwargs: Any) -> None:
        methods = {method.upper() for method in kwargs.get("methods") or ()}
        self.idempotent = "POST" in methods and kwargs.get("status_code") == 201
        dependencies = list(kwargs.get("dependencies") or ())
        if self.idempotent and not any(d.dependency is claim_idempotency_key for d in dependencies):
            kwargs["dependencies"] = [*dependencies, Depends(claim_idempotency_key)]
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self):
        handler = super().get_route_handler()
        if not self.idempotent:
            return handler

        async def answer_once(request: Request) -> Response:
            try:
                response = await handler(request)
            except _Replay as replay:
                return replay.response
            row = getattr(request.state, "idempotency_key", None)
            if row is not None:
                await run_in_threadpool(_record_answer, request.state.idempotency_session, row, response)
            return response

        return answer_once


# -- pages: one-time form tokens --------------------------------------------------------

ONCE_FIELD = "form_once"
_ONCE_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
ALREADY_SAVED = "Already saved: this form was sent twice, and saved once."


def once_token() -> str:
    """A new one-time token for a create form (templates/_once.html puts it in the form as ONCE_FIELD)."""
    return secrets.token_urlsafe(24)


def _table_classes() -> dict[str, type[SQLModel]]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in default_registry.mappers
        if isinstance(getattr(mapper.class_, "__tablename__", None), str)
    }


@dataclass
class FormToken:
    """A spent form token: `first` is set when an earlier post already spent it."""

    row: UsedFormToken | None = None
    first: UsedFormToken | None = None
    user_id: int | None = None

    def remember(self, session: Session, result: object) -> None:
        """Note what this post created, so a repeat can be sent to it."""
        if self.row is None:
            return
        identity = getattr(result, "id", None)
        if getattr(type(result), "__table__", None) is not None and isinstance(identity, int):
            self.row.created_table = type(result).__tablename__
            self.row.created_id = identity
            session.flush()

    def created(self, session: Session) -> object | None:
        """The row the first post created, when it is known and still there."""
        first = self.first
        if first is None or first.created_table is None or first.created_id is None or first.user_id != self.user_id:
            return None
        table = _table_classes().get(self.first.created_table)
        return session.get(table, first.created_id) if table is not None else None


def _form_hash(form) -> str:
    """The form's values in a fixed order, tokens left out: what makes two posts "the same form"."""
    fields = sorted(
        (name, value if isinstance(value, str) else f"file:{getattr(value, 'filename', '')}")
        for name, value in form.multi_items()
        if name not in (CSRF_FIELD, ONCE_FIELD)
    )
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def spend_form_token(request: Request, session: Session) -> FormToken:
    """Spend the form's one-time token in this transaction; `.first` tells of a post that spent it before.

    A form without a token (not a create form) or with a malformed one is let through as before.
    """
    form = getattr(request.state, "form", None)  # the form as the CSRF check read it
    token = form.get(ONCE_FIELD) if form is not None else None
    if not isinstance(token, str) or not _ONCE_TOKEN.fullmatch(token):
        return FormToken()
    user_id = request.session.get(SESSION_USER_KEY) if "session" in request.scope else None
    user_id = user_id if isinstance(user_id, int) else None
    form_hash = _form_hash(form)
    session.exec(
        delete(UsedFormToken).where(UsedFormToken.user_id == user_id, UsedFormToken.created_at < _cutoff(request))
    )
    query = (
        select(UsedFormToken)
        .where(UsedFormToken.token == token, UsedFormToken.form_hash == form_hash)
        .execution_options(populate_existing=True)
    )
    first = session.exec(query).first()
    if first is None:
        row = UsedFormToken(token=token, form_hash=form_hash, user_id=user_id, path=request.url.path)
        try:
            with session.begin_nested():
                session.add(row)
            return FormToken(row=row, user_id=user_id)
        except IntegrityError:
            # The same form posted twice at once: this insert waited for the first post's commit.
            first = session.exec(query).first()
            if first is None:
                raise
    return FormToken(first=first, user_id=user_id)
