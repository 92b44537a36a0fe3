"""Security headers on every response: pages, the API, errors, static files and downloads.

A pure ASGI middleware (app/main.py wraps the whole stack in it, outside even the 500
handler) that adds each header unless the response already set its own.

The Content-Security-Policy allows scripts, styles, images and fonts from this origin only:
no inline <script>, no on*= handlers, no eval (the page scripts live in app/static/).
Style *attributes* are allowed (`style-src-attr 'unsafe-inline'`): the progress and score
bars draw their width with `style="width: N%"`. An attribute can neither run script nor
load anything the policy refuses, and <style> elements stay refused (`style-src 'self'`).
`frame-ancestors 'none'` (and X-Frame-Options for older browsers) keeps every page out
of frames, so nobody can overlay a chair's "Approve minutes" button with a decoy.
"""

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The API documentation pages (/docs, /redoc) are FastAPI's Swagger UI and ReDoc: their
# scripts and styles come from the jsDelivr CDN, and each page starts them with one inline
# script. Those pages alone get a policy that allows the CDN and exactly their own inline
# scripts (by hash, computed from the page as it is sent), nothing else inline.
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
_DOCS_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def docs_policy(html: bytes) -> str:
    """The policy for an API documentation page: the CDN, and the page's own inline scripts by hash."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'" for body in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {_DOCS_CDN} {hashes}".rstrip(),
            f"style-src 'self' 'unsafe-inline' {_DOCS_CDN} https://fonts.googleapis.com",
            "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
            "font-src 'self' https://fonts.gstatic.com",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in DOCS_PATHS:
            await self._documentation(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _documentation(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the (small, generated) documentation page until it is whole, then send it with its policy."""
        start: Message | None = None
        body = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = MutableHeaders(scope=start)
            headers.setdefault("Content-Security-Policy", docs_policy(bytes(body)))
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})

        await self.app(scope, receive, hold)
