"""Server-rendered pages: templates, flash messages and the answers a page route gives."""

import json
import re
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
# Flashes wait in the signed session cookie, which browsers drop past 4 KB: a few at most
# (the newest), each and all together a bounded number of encoded bytes (JSON escapes a
# non-ASCII character to six or twelve), and input quoted in them is cut short.
MAX_FLASHES = 3
FLASH_BUDGET = 400
FLASHES_BUDGET = 1000
QUOTED_LENGTH = 40
QUOTED_BUDGET = 120
_QUOTED = re.compile(r"'([^']*)'")

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

# Folders of templates/ that other environments render (mail: app/notifications/compose.py; pdf: app/pdf/render.py).
NOT_PAGES = ("mail/", "pdf/", "word/")


def compile_page_templates() -> int:
    """Compile every page template into the environment's cache now; how many.

    Jinja compiles a template the first time it is rendered in a process: for the minutes page (with its
    record forms) about 100 ms of CPU, most of its first open, and each worker pays it once per page, on
    whoever opens that page first after a start, when a whole organisation may be arriving. All of them
    take about a second of CPU, paid once at the worker's start (app/main.py lifespan) instead."""
    names = [n for n in templates.env.list_templates(extensions=["html"]) if not n.startswith(NOT_PAGES)]
    for name in names:
        templates.env.get_template(name)
    return len(names)


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


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _within(text: str, budget: int) -> str:
    """`text`, cut short (with an ellipsis) until its JSON encoding fits `budget` bytes."""
    while len(json.dumps(text)) > budget:
        # Each pass removes at least one character; an escaped character takes up to 12 bytes.
        text = _shorten(text, min(len(text) - 1, budget // 2 + len(text) // 2))
    return text


def bounded_message(message: str) -> str:
    """`message` with quoted input cut short (QUOTED_LENGTH characters, QUOTED_BUDGET bytes), in FLASH_BUDGET."""
    message = _QUOTED.sub(lambda m: f"'{_within(_shorten(m.group(1), QUOTED_LENGTH), QUOTED_BUDGET)}'", message)
    return _within(message, FLASH_BUDGET)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Queue a message for the next page; only the newest MAX_FLASHES wait, each bounded in size."""
    # Assign, not append: the session notices only assignments, so a second flash appended
    # to one not yet shown would be silently lost.
    queued = [*request.session.get("flashes", []), {"kind": kind[:10], "message": bounded_message(message)}]
    queued = queued[-MAX_FLASHES:]
    while len(queued) > 1 and len(json.dumps(queued)) > FLASHES_BUDGET:
        queued.pop(0)
    request.session["flashes"] = queued


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
