"""Server-rendered pages: templates, flash messages and the answers a page route gives."""

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from app.web.csrf import csrf, form_token

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)


def render(request: Request, template: str, context: dict | None = None, *, status_code: int = 200) -> HTMLResponse:
    """A page with the person, the CSRF token and flash messages filled in."""
    token, new_cookie = form_token(request)
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
