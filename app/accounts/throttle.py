"""Sign-in throttling that slows guessing without letting anyone lock a person out.

Two counters, both keyed on the client address, never on the email alone:

- (email, address): 5 failures within the window, then a wait that doubles with each
  further failure (1, 2, 4, 8 … minutes, at most 15), even for the right password;
- address: 20 failures across any emails, then the same growing wait.

So an attacker who guesses the chair's password from one address locks only that
address out of that account; the chair signing in from anywhere else is never held up.
While a wait is in force the attempt is refused (429 with Retry-After) and not counted:
hammering does not make the wait longer, only failures after it has passed do. A
successful sign-in clears its own (email, address) failures, not the address's.

The client address is `request.client.host`. It comes from X-Forwarded-For only when the
direct peer is a proxy named in the FORWARDED_ALLOW_IPS setting (uvicorn's
ProxyHeadersMiddleware, installed by app/main.py); by default no header is trusted, so a
client cannot pick a fresh address for every attempt.

Failures live in the `login_failures` table, so every worker and host sharing the
database counts the same attempts.

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

# Failures older than this are forgotten (and deleted when the key fails again).
WINDOW = timedelta(hours=1)
MAX_FAILURES_PER_EMAIL_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 20
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=15)
# The key column holds 400 characters; an email longer than any real one is cut, which
# only ever merges an attacker's own nonsense emails from their own address.
_EMAIL_CHARS = 320


@dataclass(frozen=True)
class Lockout:
    retry_after_seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after_seconds / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many failed sign-ins from here; try again in {minutes} {unit}."

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


def _keys(email: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(pair_key(email, address), MAX_FAILURES_PER_EMAIL_AND_ADDRESS)]
    if address:
        keys.append((f"ip:{address}", MAX_FAILURES_PER_ADDRESS))
    return keys


def pair_key(email: str, address: str | None) -> str:
    """The counter of one email's failures from one address."""
    return f"pair:{address or '-'}|{email.strip().lower()[:_EMAIL_CHARS]}"


def wait_after(failures: int, limit: int) -> timedelta:
    """How long to wait after the latest of `failures` failures: none below the limit, then doubling."""
    if failures < limit:
        return timedelta(0)
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - limit, 16))


def client_address(request: Request) -> str | None:
    """The client's address: the direct peer, or what a trusted proxy said (see app/main.py)."""
    return request.client.host if request.client else None


def check(*, session: Session, email: str, address: str | None) -> Lockout | None:
    """The wait in force for this email from this address, or for this address, if any."""
    now = utcnow()
    retry = 0
    for key, limit in _keys(email, address):
        count, latest = session.exec(
            select(func.count(), func.max(LoginFailure.failed_at)).where(
                LoginFailure.key == key, LoginFailure.failed_at > now - WINDOW
            )
        ).one()
        if latest is None:
            continue
        if latest.tzinfo is None:
            latest = latest.replace(tzinfo=now.tzinfo)
        retry = max(retry, math.ceil((latest + wait_after(count, limit) - now).total_seconds()))
    return Lockout(retry) if retry > 0 else None


@dataclass
class FailureLog:
    """The failed sign-ins of one request, written once its transaction has ended."""

    keys: list[str] = field(default_factory=list)

    def add(self, *, email: str, address: str | None) -> None:
        """Count one failure against the email from this address, and against the address."""
        self.keys += [key for key, _ in _keys(email, address)]


def _record_failures(session: Session, keys: list[str]) -> None:
    """Store the failures; forget these keys' ones past the window."""
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


def record_success(*, session: Session, email: str, address: str | None) -> None:
    """Clear this email's failures from this address, in the request's transaction: it commits with the sign-in."""
    session.exec(delete(LoginFailure).where(LoginFailure.key == pair_key(email, address)))
