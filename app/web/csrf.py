"""CSRF for page forms: a signed double-submit cookie, and the one check every page write goes through."""

import hmac

from fastapi import Depends, Request
from fastapi_csrf_protect import CsrfProtect
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.datastructures import UploadFile

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
# only (the numbers, dates and ids a form is refused for), and never a secret.
_NOT_KEPT = {CSRF_FIELD, "password", "new_password", "current_password"}
_KEPT_LENGTH = 100


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


def form_token(request: Request) -> tuple[str, str | None]:
    """The token for a page's forms, and a new signed cookie only when the browser has none valid.

    Reusing a valid cookie keeps forms in other open tabs working; one with less than an hour
    left is replaced, so a form opened now does not expire while it is being filled in.
    """
    token = _cookie_token(request, max_age=CSRF_MAX_AGE - 3600)
    if token is not None:
        return token, None
    return csrf.generate_csrf_tokens()


def csrf_matches(request: Request, token: object) -> bool:
    """The one CSRF check: `token` (from a form field or a header) matches the signed cookie."""
    expected = _cookie_token(request, max_age=CSRF_MAX_AGE)
    if expected is None or not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(expected.encode(), token.encode())


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match the signed cookie."""
    form = await request.form()
    token = form.get(CSRF_FIELD)
    if isinstance(token, UploadFile) or not csrf_matches(request, token):
        raise CsrfFailed("This form has expired or did not come from this site; reload the page and try again.")
    request.state.form = form  # the whole form, for sync code after the check (app/web/idempotency.py)
    # What the person typed, so a form refused for a mistake can show it again (see forms.keep_typed).
    request.state.typed = {
        name: value
        for name, value in form.items()
        if isinstance(value, str) and name not in _NOT_KEPT and len(value) <= _KEPT_LENGTH
    }


CsrfChecked = Depends(require_csrf)
