"""Server-rendered pages: templates, flash messages and the answers a page route gives."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from app.web.csrf import csrf, form_token
from app.web.filters import register_filters
from app.web.idempotency import once_token

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

# The session key under which a refused form's typed values wait for the page that shows them.
KEPT_KEY = "typed"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
register_filters(templates.env)


@pass_context
def typed(context, name: str, default: object = "", action: str | None = None) -> object:
    """What the person typed into `name` on a form just refused, else `default`.

    `action` tells apart forms on one page with a field of the same name (the steps of a journey).
    """
    kept = context.get("kept") or {}
    values = kept.get("values") or {}
    if name in values and (action is None or kept.get("action") == action):
        return values[name]
    return default


templates.env.globals["typed"] = typed
templates.env.globals["once_token"] = once_token
templates.env.globals["once_field"] = templates.env.get_template("_once.html").module.once_field


def render(request: Request, template: str, context: dict | None = None, *, status_code: int = 200) -> HTMLResponse:
    """A page with the person, the CSRF token and flash messages filled in."""
    token, new_cookie = form_token(request)
    has_session = "session" in request.scope
    flashes = request.session.pop("flashes", []) if has_session else []
    kept = request.session.pop(KEPT_KEY, None) if has_session else None
    response = templates.TemplateResponse(
        request,
        template,
        {"csrf_token": token, "flashes": flashes, "kept": kept, **(context or {})},
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
