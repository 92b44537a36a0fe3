"""Request body limits, enforced while the body is read and before anything parses it.

A pure ASGI middleware, outside the session and the routes. Every body may be at most
the MAX_BODY_BYTES setting (1 MB: every JSON body and page form) except on the upload
routes, which app/main.py lists with their own limits (`Upload(...)`).

- A declared Content-Length over the limit is answered 413 at once: the app is not
  called and not a byte of the body is read.
- A body without one (chunked) is counted as it streams; the read that passes the limit
  raises `BodyTooLarge` (an HTTPException, so FastAPI lets it through its body parsing)
  and the 413 goes out with the rest unread.

The answer names the limit, is a page for a browser and JSON for the API, and closes the
connection rather than keep it for a body nobody will read.

(FastAPI's own `max_body_size` counts the same way, but replaces any answer to a request
whose Content-Length is over the limit with a plain "Content Too Large", which names no
limit and is no page a person can read; hence this.)
"""

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import wants_html
from app.web.render import render_error

# The multipart envelope around an uploaded file: part headers, boundaries, the CSRF
# token. The route's own check then refuses a file over its limit with its own message.
MULTIPART_SLACK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """A route that takes one file of at most `file_bytes`."""

    file_bytes: int
    # CSV imports answer every refusal as their list of problems ({"detail": [{"row", "column", "message"}]}).
    as_import_problems: bool = False

    @property
    def limit(self) -> int:
        return self.file_bytes + MULTIPART_SLACK


def describe_bytes(size: int) -> str:
    """1048576 -> "1 MB", 5308416 -> "5.1 MB", 2048 -> "2 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{size} bytes"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int | Upload) -> None:
        if isinstance(limit, Upload):
            detail = (
                f"The upload is over its limit of {describe_bytes(limit.file_bytes)} "
                f"(a file of at most {limit.file_bytes:,} bytes)."
            )
        else:
            detail = f"The request body is over this address's limit of {describe_bytes(limit)} ({limit:,} bytes)."
        super().__init__(413, detail)
        self.as_import_problems = isinstance(limit, Upload) and limit.as_import_problems


async def body_too_large(request: Request, exc: HTTPException) -> Response:
    """413: a page for a browser, JSON for the API; the connection is closed after it."""
    if wants_html(request):
        response = render_error(request, 413, exc.detail)
    elif getattr(exc, "as_import_problems", False):
        response = JSONResponse({"detail": [{"row": None, "column": None, "message": exc.detail}]}, status_code=413)
    else:
        response = JSONResponse({"detail": exc.detail}, status_code=413)
    # The client may still be sending: close rather than read the rest to keep the connection.
    response.headers["Connection"] = "close"
    return response


class BodyLimit:
    """Refuses request bodies over `default` bytes, or over an upload route's own limit in `uploads`."""

    def __init__(self, app: ASGIApp, *, default: int, uploads: dict[str, Upload]) -> None:
        self.app = app
        self.default = default
        # Route paths as the routers write them ("/councils/{council_id}/…"), matched as they do.
        self.uploads = [(compile_path(path)[0], upload) for path, upload in uploads.items()]

    def limit_for(self, path: str) -> int | Upload:
        return next((upload for pattern, upload in self.uploads if pattern.match(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        most = limit.limit if isinstance(limit, Upload) else limit
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > most:
            await self._refuse(scope, receive, send, BodyTooLarge(limit))
            return

        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge as exc:
            # Raised outside any route's handling (the routes answer it themselves).
            if started:
                raise
            await self._refuse(scope, receive, send, exc)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, exc: BodyTooLarge) -> None:
        response = await body_too_large(Request(scope, receive), exc)
        await response(scope, receive, send)
