"""Small helpers for API tests: auth headers, reading validation errors, counting SQL statements."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.auth import create_access_token
from app.db import make_engine, open_session


@contextmanager
def count_statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent through `engine` inside the block (an executemany counts once)."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def access_token(*, user, settings, engine: Engine | None = None) -> str:
    """A bearer token for `user`, minted directly (no password round trip) with its sign-in row committed.

    Through `engine` when given (`auth` passes the app's own: no engine, connection or PostgreSQL backend of
    its own per token); otherwise through an engine made for the call, for a test with no app in its process.
    Minted through the app's engine, the token's statements are the app engine's too: a test that counts the
    app's statements mints its tokens before it starts counting."""
    if engine is not None:
        return _mint(engine, user, settings)
    own = make_engine(settings.DATABASE_URL)
    try:
        return _mint(own, user, settings)
    finally:
        own.dispose()


def _mint(engine: Engine, user, settings) -> str:
    with open_session(engine, write=True) as session:
        token = create_access_token(session=session, user=user, settings=settings, user_agent="pytest")
        session.commit()
    return token


def auth(app, user) -> dict[str, str]:
    """Bearer headers for `user`, the token minted through the app's own engine."""
    token = access_token(user=user, settings=app.state.settings, engine=app.state.engine)
    return {"Authorization": f"Bearer {token}"}


def error_fields(response) -> set[str]:
    """The field names a 422 response points at."""
    return {str(error["loc"][-1]) for error in response.json()["detail"]}


# Reports every Content-Security-Policy violation to the console. Added through the
# DevTools protocol (an init script), so the page's own policy does not block it.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
}, true);
"""


def watch_csp_violations(page) -> list[str]:
    """The Content-Security-Policy violations on a Playwright page, collected as they happen."""
    violations: list[str] = []
    page.add_init_script(_REPORT_CSP_VIOLATIONS)

    def collect(message) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            violations.append(f"{message.text} ({page.url})")

    page.on("console", collect)
    return violations


def etag_of(client, url: str, headers: dict[str, str]) -> str:
    """The ETag a GET of `url` answers: what a versioned write sends back as If-Match."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


def if_match(client, url: str, headers: dict[str, str], *, read: str | None = None) -> dict[str, str]:
    """`headers` plus If-Match with the record's current ETag (read from `read`, by default `url` itself)."""
    return {**headers, "If-Match": etag_of(client, read or url, headers)}


def refuse_priorities(monkeypatch) -> None:
    """As a container whose seccomp profile refuses every change of CPU priority does."""

    def refused(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    for name in ("nice", "setpriority", "sched_setscheduler"):
        monkeypatch.setattr(os, name, refused, raising=False)
