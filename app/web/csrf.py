"""CSRF for page forms, and the one check every page write goes through.

Signed in, the token is an HMAC of the sign-in's secret id (the `sid` inside the signed
session cookie): only this server can make it, and only for that sign-in, so a `cxc_csrf`
cookie planted in the victim's browser together with its token is worthless. Every tab of
one sign-in gets the same token, so forms in other open tabs keep working. Before signing
in there is no session to bind to, so the sign-in form uses a signed double-submit cookie.
"""

import hashlib
import hmac
import json

from fastapi import Depends, Request
from fastapi_csrf_protect import CsrfProtect
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.datastructures import UploadFile

from app.auth import SESSION_ID_KEY
from app.config import Settings
from app.errors import AppError

CSRF_FIELD = "csrf_token"
CSRF_COOKIE = "cxc_csrf"
CSRF_MAX_AGE = 12 * 3600
# fastapi-csrf-protect signs with this salt; reused to read our own cookie back.
_CSRF_SALT = "fastapi-csrf-token"

csrf = CsrfProtect()


def configure_csrf(settings: Settings) -> None:
    """Double-submit cookie: a signed cookie plus the same token in every form."""
    CsrfProtect.load_config(
        lambda: [
            ("secret_key", settings.SECRET_KEY),
            ("cookie_key", CSRF_COOKIE),
            ("cookie_samesite", "lax"),
            ("cookie_secure", settings.cookie_secure),
            ("token_location", "body"),
            ("token_key", CSRF_FIELD),
            ("max_age", CSRF_MAX_AGE),
        ]
    )


# Typed values ride in the signed session cookie until the page shows them again: short ones
# only (the numbers, dates and ids a form is refused for), and never a secret. The cookie
# must stay under the 4 KB browsers keep, so the kept values have a budget in encoded bytes
# (JSON escapes every non-ASCII character to six bytes); fields past it are not kept.
_NOT_KEPT = {CSRF_FIELD, "password", "new_password", "current_password"}
_KEPT_LENGTH = 100
KEPT_BUDGET = 1000


class CsrfFailed(AppError):
    status_code = 403


def _cookie_token(request: Request, *, max_age: int) -> str | None:
    """The token inside the browser's signed cookie, or None when it is missing, forged or too old."""
    signed = request.cookies.get(CSRF_COOKIE)
    if not signed:
        return None
    serializer = URLSafeTimedSerializer(request.app.state.settings.SECRET_KEY, salt=_CSRF_SALT)
    try:
        return str(serializer.loads(signed, max_age=max_age))
    except BadData:
        return None


def _session_id(request: Request) -> str | None:
    sid = request.session.get(SESSION_ID_KEY) if "session" in request.scope else None
    return sid if isinstance(sid, str) and sid else None


def session_token(secret_key: str, sid: str) -> str:
    """The CSRF token of the sign-in whose secret id is `sid`."""
    return hmac.new(secret_key.encode(), b"csrf:" + sid.encode(), hashlib.sha256).hexdigest()


def form_token(request: Request) -> tuple[str, str | None]:
    """The token for a page's forms, and a new signed cookie only when one is needed.

    Signed in: the sign-in's own token, no cookie. Signed out: a valid cookie is reused, so
    forms in other open tabs keep working; one with less than an hour left is replaced, so a
    form opened now does not expire while it is being filled in.
    """
    sid = _session_id(request)
    if sid is not None:
        return session_token(request.app.state.settings.SECRET_KEY, sid), None
    token = _cookie_token(request, max_age=CSRF_MAX_AGE - 3600)
    if token is not None:
        return token, None
    return csrf.generate_csrf_tokens()


def csrf_matches(request: Request, token: object) -> bool:
    """The one CSRF check: `token` (from a form field or a header) is the sign-in's, or, signed out, the cookie's."""
    sid = _session_id(request)
    if sid is not None:
        expected: str | None = session_token(request.app.state.settings.SECRET_KEY, sid)
    else:
        expected = _cookie_token(request, max_age=CSRF_MAX_AGE)
    if expected is None or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(expected.encode(), token.encode())


def _within_budget(values: dict[str, str], budget: int) -> dict[str, str]:
    """The fields, in form order, that fit `budget` encoded bytes together (one too big is skipped)."""
    kept, used = {}, 0
    for name, value in values.items():
        cost = len(json.dumps(name)) + len(json.dumps(value)) + 2
        if used + cost <= budget:
            kept[name] = value
            used += cost
    return kept


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match the signed cookie."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if isinstance(token, UploadFile) or not csrf_matches(request, token):
        raise CsrfFailed("This form has expired or did not come from this site; reload the page and try again.")
    request.state.form = form  # the whole form, for sync code after the check (app/web/idempotency.py)
    # What the person typed, so a form refused for a mistake can show it again (see forms.keep_typed).
    request.state.typed = _within_budget(
        {
            name: value
            for name, value in form.items()
            if isinstance(value, str) and name not in _NOT_KEPT and len(value) <= _KEPT_LENGTH
        },
        KEPT_BUDGET,
    )


CsrfChecked = Depends(require_csrf)
