"""The deliverer: claim due outbox rows with a lease, send them, mark them sent or retry later.

Any number of deliverers may run at once (cron's `council deliver`, the loop in `council
serve` of each worker). A deliverer claims a batch in one short transaction: on
PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` lets concurrent deliverers take disjoint
rows without waiting; SQLite has a single writer, and the claim is made under its write
lock (BEGIN IMMEDIATE), so two claims never overlap. The claim sets `lease_owner` and
`lease_until`; nobody else takes the row until the lease passes, so a deliverer killed
mid-batch delays its rows by one lease and loses none.

Each row is marked sent in its own transaction right after the SMTP server accepted it.
A crash in between leaves the row queued; when its lease passes it is sent again, with
the same Message-ID, so mail clients fold the duplicate. That window (one message per
killed deliverer) is the only way a message goes twice.
"""

from __future__ import annotations

import os
import smtplib
import socket
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from typing import TYPE_CHECKING

from sqlalchemy import or_, update
from sqlmodel import col, select

from app.db import open_session
from app.mail import smtp_connection
from app.models import OutboxMessage, OutboxStatus
from app.models.base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.config import Settings

# Long enough for a batch sent one message at a time to a slow relay.
LEASE = timedelta(minutes=5)
# After the nth failure the row waits FIRST_RETRY × 2^(n-1), at most LONGEST_WAIT.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# Attempts before a message is given up (status failed, shown to the council).
MAX_ATTEMPTS = 8
ERROR_LENGTH = 1000


@dataclass
class DeliveryRun:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def retry_wait(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failure."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def claim(engine: Engine, *, worker: str, limit: int, now: datetime, lease: timedelta = LEASE) -> list[int]:
    """Lease up to `limit` due rows to `worker`, oldest first; their ids."""
    with open_session(engine, write=True) as session:
        due = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.queued,
                col(OutboxMessage.next_attempt_at) <= now,
                or_(col(OutboxMessage.lease_until).is_(None), col(OutboxMessage.lease_until) < now),
            )
            .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
            .limit(limit)
        )
        if engine.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(session.exec(due).all())
        if ids:
            session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ids))
                .values(lease_owner=worker, lease_until=now + lease)
            )
        session.commit()
    return ids


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused: " + "; ".join(f"{code} {text!r}" for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"refused: {exc.smtp_code} {text}"
    return f"could not send: {exc or type(exc).__name__}"


def _mark_sent(engine: Engine, row_id: int, *, now: datetime) -> None:
    with open_session(engine, write=True) as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id)
            .values(status=OutboxStatus.sent, sent_at=now, lease_owner=None, lease_until=None, last_error="")
        )
        session.commit()


def _mark_failed(engine: Engine, row_id: int, *, error: str, now: datetime, max_attempts: int) -> bool:
    """Record a failed attempt; True when that was the last one."""
    with open_session(engine, write=True) as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status != OutboxStatus.queued:
            session.rollback()
            return False
        row.attempts += 1
        row.last_error = error[:ERROR_LENGTH]
        row.lease_owner = None
        row.lease_until = None
        gave_up = row.attempts >= max_attempts
        if gave_up:
            row.status = OutboxStatus.failed
        else:
            row.next_attempt_at = now + retry_wait(row.attempts)
        session.add(row)
        session.commit()
    return gave_up


def deliver_batch(
    engine: Engine,
    settings: Settings,
    *,
    worker: str | None = None,
    limit: int = 50,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryRun:
    """Claim up to `limit` due messages and send them over one SMTP connection."""
    worker = worker or worker_name()
    started = now or utcnow()
    run = DeliveryRun()
    ids = claim(engine, worker=worker, limit=limit, now=started)
    run.claimed = len(ids)
    if not ids:
        return run
    with ExitStack() as stack:
        connection: smtplib.SMTP | None = None
        for row_id in ids:
            with open_session(engine, write=False) as session:
                row = session.get(OutboxMessage, row_id)
                if row is None or row.status != OutboxStatus.queued or row.lease_owner != worker:
                    continue
                sender, recipient, body = _envelope_sender(settings, row.body), row.recipient, row.body
            try:
                if connection is None:
                    connection = stack.enter_context(smtp_connection(settings))
                connection.sendmail(sender, [recipient], body)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                error = _describe(exc)
                run.errors.append(f"{recipient}: {error}")
                if _mark_failed(engine, row_id, error=error, now=now or utcnow(), max_attempts=max_attempts):
                    run.failed += 1
                else:
                    run.retrying += 1
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    # The connection may be broken: start a new one for the next message.
                    stack.close()
                    connection = None
                continue
            _mark_sent(engine, row_id, now=now or utcnow())
            run.sent += 1
    return run


def _envelope_sender(settings: Settings, body: bytes) -> str:
    """The From address of a stored message (its headers end at the first blank line)."""
    headers = message_from_bytes(body.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", policy=policy.default)
    addresses = getattr(headers["From"], "addresses", ())
    return addresses[0].addr_spec if addresses else settings.MAIL_FROM


def deliver_all(
    engine: Engine, settings: Settings, *, worker: str | None = None, now: datetime | None = None
) -> DeliveryRun:
    """Deliver batches until nothing is due (what `council deliver --once` and the tests call)."""
    total = DeliveryRun()
    while True:
        run = deliver_batch(engine, settings, worker=worker, now=now)
        total.claimed += run.claimed
        total.sent += run.sent
        total.retrying += run.retrying
        total.failed += run.failed
        total.errors += run.errors
        # Nothing due, or a whole batch refused (the server is down): try again next run.
        if run.claimed == 0 or run.sent == 0:
            return total
