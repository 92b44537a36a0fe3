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

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
