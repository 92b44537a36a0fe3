"""Sign-in throttling: too many failures for one email or one client address → 429.

Failures live in the `login_failures` table, so every worker and host sharing the
database counts the same attempts. The policy: 5 failures for an email, or 20 from one
client address, within 15 minutes lock that email (or address) out until the oldest of
them leaves the window, even for the right password. A successful sign-in clears the
email's failures (not the address's: one person getting in says nothing about the rest).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy import delete, func
from sqlmodel import Session, select

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


def record_failure(*, session: Session, email: str, address: str | None) -> None:
    """Count one failure against the email and the address; forget ones past the window."""
    now = utcnow()
    keys = [key for key, _ in _keys(email, address)]
    session.exec(delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.failed_at <= now - WINDOW))
    session.add_all(LoginFailure(key=key, failed_at=now) for key in keys)
    session.commit()


def record_success(*, session: Session, email: str) -> None:
    session.exec(delete(LoginFailure).where(LoginFailure.key == f"email:{email.strip().lower()}"))
    session.commit()
