"""Sign-in throttling: too many failures for one email or one client address → 429.

Failures live in the `login_failures` table, so every worker and host sharing the
database counts the same attempts. The policy: 5 failures for an email, or 20 from one
client address, within 15 minutes lock that email (or address) out until the oldest of
them leaves the window, even for the right password. A successful sign-in clears the
email's failures (not the address's: one person getting in says nothing about the rest).

A failure must outlive the request that saw it: the token endpoint answers 401 by raising,
and the request's transaction is then rolled back. It is not committed from here either
(one transaction per request, see app/db.py): it is written after that transaction has
ended, in a short session of its own (`FailedSignIns`). Not before: on SQLite the request's
transaction holds the write lock, so a second writer would wait for it until timing out.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import delete, func
from sqlmodel import Session, select

from app.db import open_session
from app.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20


@dataclass(frozen=True)
class Lockout:
    retry_after_seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after_seconds / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many failed sign-ins; try again in {minutes} {unit}."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


def _keys(email: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"email:{email.strip().lower()}", MAX_FAILURES_PER_EMAIL)]
    if address:
        keys.append((f"ip:{address}", MAX_FAILURES_PER_ADDRESS))
    return keys


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def check(*, session: Session, email: str, address: str | None) -> Lockout | None:
    """The lockout in force for this email or address, if any."""
    now = utcnow()
    since = now - WINDOW
    retry = 0
    for key, limit in _keys(email, address):
        count, oldest = session.exec(
            select(func.count(), func.min(LoginFailure.failed_at)).where(
                LoginFailure.key == key, LoginFailure.failed_at > since
            )
        ).one()
        if count >= limit and oldest is not None:
            if oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=now.tzinfo)
            retry = max(retry, math.ceil((oldest + WINDOW - now).total_seconds()))
    return Lockout(max(retry, 1)) if retry > 0 else None


@dataclass
class FailureLog:
    """The failed sign-ins of one request, written once its transaction has ended."""

    keys: list[str] = field(default_factory=list)

    def add(self, *, email: str, address: str | None) -> None:
        """Count one failure against the email and the address."""
        self.keys += [key for key, _ in _keys(email, address)]


def _record_failures(session: Session, keys: list[str]) -> None:
    """Store the failures; forget this email's and address's ones past the window."""
    now = utcnow()
    session.exec(delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.failed_at <= now - WINDOW))
    session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)


def failure_log(request: Request) -> Iterator[FailureLog]:
    log = FailureLog()
    try:
        yield log
    finally:
        # Declared before the request's session, so this runs after that session has
        # committed or rolled back and let go of the database.
        if log.keys:
            with open_session(request.app.state.engine, write=True) as own:
                _record_failures(own, log.keys)
                own.commit()


# List it before SessionDep in a route's parameters: dependencies end in reverse order.
FailedSignIns = Annotated[FailureLog, Depends(failure_log, scope="function")]


def record_success(*, session: Session, email: str) -> None:
    """Clear the email's failures, in the request's transaction: it commits with the sign-in."""
    session.exec(delete(LoginFailure).where(LoginFailure.key == f"email:{email.strip().lower()}"))
