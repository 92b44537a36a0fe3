"""Server-rendered pages: templates, the signed-in person, CSRF on every form."""

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from fastapi_csrf_protect import CsrfProtect
from fastapi_csrf_protect.exceptions import CsrfProtectError
from itsdangerous import BadData, URLSafeTimedSerializer

from app.auth import SESSION_USER_KEY
from app.config import Settings
from app.db import SessionDep
from app.errors import AppError
from app.models import User
from app.web.filters import register_filters

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
CSRF_FIELD = "csrf_token"
CSRF_COOKIE = "cxc_csrf"
CSRF_MAX_AGE = 12 * 3600
# fastapi-csrf-protect signs with this salt; reused to read our own cookie back.
_CSRF_SALT = "fastapi-csrf-token"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
register_filters(templates.env)
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


class CsrfFailed(AppError):
    status_code = 403


class LoginRequired(Exception):
    """A page needs a signed-in person; the handler redirects to the login page."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def _csrf_token(request: Request) -> tuple[str, str | None]:
    """The form token, and a new signed cookie only when the browser has none valid.

    Reusing a valid cookie keeps forms in other open tabs working.
    """
    signed = request.cookies.get(CSRF_COOKIE)
    if signed:
        serializer = URLSafeTimedSerializer(request.app.state.settings.SECRET_KEY, salt=_CSRF_SALT)
        try:
            return serializer.loads(signed, max_age=CSRF_MAX_AGE - 3600), None
        except BadData:
            pass
    token, signed = csrf.generate_csrf_tokens()
    return token, signed


def render(request: Request, template: str, context: dict | None = None, *, status_code: int = 200) -> HTMLResponse:
    """A page with the person, the CSRF token and flash messages filled in."""
    token, new_cookie = _csrf_token(request)
    flashes = request.session.pop("flashes", []) if "session" in request.scope else []
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf_token": token, "flashes": flashes, **(context or {})},
        status_code=status_code,
    )
    if new_cookie:
        csrf.set_csrf_cookie(new_cookie, response)
    return response


def render_error(request: Request, status_code: int, detail: str) -> HTMLResponse:
    return render(request, "error.html", {"status_code": status_code, "detail": detail}, status_code=status_code)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    # Assign, not append: the session notices only assignments, so a second flash appended
    # to one not yet shown would be silently lost.
    request.session["flashes"] = [*request.session.get("flashes", []), {"kind": kind, "message": message}]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose token does not match the signed cookie."""
    await request.form()
    try:
        await csrf.validate_csrf(request)
    except CsrfProtectError:
        raise CsrfFailed(
            "This form has expired or did not come from this site; reload the page and try again."
        ) from None


CsrfChecked = Depends(require_csrf)


def get_page_user(request: Request, session: SessionDep) -> User:
    user_id = request.session.get(SESSION_USER_KEY)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        request.session.pop(SESSION_USER_KEY, None)
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


PageUser = Annotated[User, Depends(get_page_user)]


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    return redirect(f"/login?next={quote(exc.next_path, safe='/')}")


def safe_next(next_path: str | None) -> str:
    """Only same-site paths, so the login form cannot bounce people elsewhere."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/councils"
