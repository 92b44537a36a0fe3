"""The deliverer: claim due outbox rows with a lease, send them, mark them sent or retry later.

Any number of deliverers may run at once (cron's `council deliver`, the loop in `council
serve` of each worker). A deliverer claims a batch in one short transaction: on
PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` lets concurrent deliverers take disjoint
rows without waiting; SQLite has a single writer, and the claim is made under its write
lock (BEGIN IMMEDIATE), so two claims never overlap. The claim sets `lease_owner` and
`lease_until` (OUTBOX_LEASE_SECONDS); nobody else takes the row until the lease passes,
so a deliverer killed mid-batch delays its rows by one lease and loses none.

Each row is marked sent in its own transaction right after the SMTP server accepted it.
What a crash can do, exactly:
- killed before the server accepted a message: the row is still queued and leased; it is
  sent once the lease passes. Nothing is lost, nothing goes twice.
- killed after the server accepted it but before the row was marked sent (a window of one
  short UPDATE): the row is sent again after the lease passes, with the same bytes and the
  same Message-ID, so mail clients fold the duplicate. At most one message per killed
  deliverer (the one in flight) can go twice; this is the only way a message goes twice.

Failures: a temporary refusal (4xx) or an unreachable server is retried after
OUTBOX_FIRST_RETRY_SECONDS, doubling each time (at most six hours); after
OUTBOX_MAX_ATTEMPTS attempts, or at once on a permanent refusal (5xx), the row is given up
(status failed) and shown on the council's Mail page, where "Send again" requeues it.
"""

from __future__ import annotations

import os
import smtplib
import socket
import uuid
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
from app.outbox.queue import message_bytes

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from app.config import Settings

# The longest wait between two attempts, however many failed before.
LONGEST_WAIT = timedelta(hours=6)
ERROR_LENGTH = 1000
BATCH = 50


@dataclass
class DeliveryRun:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    # The earliest time a message refused in this run will be tried again.
    next_retry_at: datetime | None = None

    def add(self, other: DeliveryRun) -> None:
        self.claimed += other.claimed
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors += other.errors
        if other.next_retry_at and (self.next_retry_at is None or other.next_retry_at < self.next_retry_at):
            self.next_retry_at = other.next_retry_at

    def summary(self) -> str:
        """What `council deliver` prints: "sent 12, 1 will be retried at 10:42 UTC, 0 given up"."""
        retry = f"{self.retrying} will be retried"
        if self.retrying and self.next_retry_at:
            retry += f" at {self.next_retry_at:%H:%M} UTC"
        return f"sent {self.sent}, {retry}, {self.failed} given up"


def worker_name() -> str:
    """Host, process and a random part: two deliverers never share a name, even in one process."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def retry_wait(settings: Settings, attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th failure."""
    first = timedelta(seconds=settings.OUTBOX_FIRST_RETRY_SECONDS)
    return min(first * 2 ** min(max(attempts - 1, 0), 30), LONGEST_WAIT)


def claim(engine: Engine, *, worker: str, limit: int, now: datetime, lease: timedelta) -> list[int]:
    """Lease up to `limit` due rows to `worker`, oldest first; their ids.

    A row whose lease has passed is due again: its deliverer died or hung.
    """
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


def _reply(exc: Exception) -> tuple[int | None, str]:
    """The SMTP code (None when the server was not reached) and a line for people to read."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in replies)
        return (min(code for code, _ in replies) if replies else None), f"refused: {text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code, f"refused: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, ValueError):
        return 500, f"cannot be sent: {exc}"
    return None, f"could not reach the mail server: {exc or type(exc).__name__}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _mark_sent(engine: Engine, row_id: int, *, now: datetime) -> None:
    with open_session(engine, write=True) as session:
        session.exec(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == row_id)
            .values(status=OutboxStatus.sent, sent_at=now, lease_owner=None, lease_until=None, last_error="")
        )
        session.commit()


def _mark_failed(
    engine: Engine, settings: Settings, row_ids: list[int], *, worker: str, error: str, permanent: bool, now: datetime
) -> list[OutboxMessage]:
    """Record a failed attempt on rows this worker still holds; the rows, failed when given up."""
    with open_session(engine, write=True) as session:
        rows = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.id).in_(row_ids),
                OutboxMessage.status == OutboxStatus.queued,
                OutboxMessage.lease_owner == worker,
            )
        ).all()
        for row in rows:
            row.attempts += 1
            row.last_error = error[:ERROR_LENGTH]
            row.lease_owner = None
            row.lease_until = None
            if permanent or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                row.status = OutboxStatus.failed
            else:
                row.next_attempt_at = now + retry_wait(settings, row.attempts)
            session.add(row)
        session.commit()
    return list(rows)


def _record(run: DeliveryRun, rows: list[OutboxMessage], error: str) -> None:
    for row in rows:
        run.errors.append(f"{row.recipient}: {error}")
        if row.status == OutboxStatus.failed:
            run.failed += 1
        else:
            run.retrying += 1
            if run.next_retry_at is None or row.next_attempt_at < run.next_retry_at:
                run.next_retry_at = row.next_attempt_at


def deliver_batch(
    engine: Engine,
    settings: Settings,
    *,
    worker: str | None = None,
    limit: int = BATCH,
    now: datetime | None = None,
) -> DeliveryRun:
    """Claim up to `limit` due messages and send them over one SMTP connection."""
    worker = worker or worker_name()
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    run = DeliveryRun()
    if not settings.SMTP_URL:
        return run  # nothing to send with: the rows wait, untouched
    ids = claim(engine, worker=worker, limit=limit, now=now or utcnow(), lease=lease)
    run.claimed = len(ids)
    payloads: dict[str, bytes] = {}  # stored attachments read once per batch (a pack mailed to every seat)
    with ExitStack() as stack:
        connection: smtplib.SMTP | None = None
        for position, row_id in enumerate(ids):
            with open_session(engine, write=False) as session:
                row = session.get(OutboxMessage, row_id)
                if row is None or row.status != OutboxStatus.queued or row.lease_owner != worker:
                    continue  # sent again by hand, or our lease passed and another deliverer took it
                sender, recipient = _envelope_sender(settings, row.body), row.recipient
                body = message_bytes(session, row, payloads)
            try:
                if connection is None:
                    connection = stack.enter_context(smtp_connection(settings))
                connection.sendmail(sender, [recipient], body)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                code, error = _reply(exc)
                # The server cannot be reached or refused the connection (or our login): every
                # message left in the batch waits its turn, and none is given up for it early.
                unreachable = connection is None
                tried = ids[position:] if unreachable else [row_id]
                permanent = not unreachable and code is not None and code >= 500
                rows = _mark_failed(
                    engine, settings, tried, worker=worker, error=error, permanent=permanent, now=now or utcnow()
                )
                _record(run, rows, error)
                if unreachable:
                    return run
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
    engine: Engine,
    settings: Settings,
    *,
    worker: str | None = None,
    now: datetime | None = None,
    batch: int = BATCH,
) -> DeliveryRun:
    """Deliver batches until nothing is due (what `council deliver --once` and the tests call)."""
    total = DeliveryRun()
    worker = worker or worker_name()
    while True:
        run = deliver_batch(engine, settings, worker=worker, now=now, limit=batch)
        total.add(run)
        # Nothing due, or a whole batch refused (the server is down): try again next run.
        if run.claimed == 0 or run.sent == 0:
            return total


def requeue(session, row: OutboxMessage, *, now: datetime | None = None) -> OutboxMessage:
    """Send a given-up message again: queued, no attempts, due now (the caller records who asked)."""
    row.status = OutboxStatus.queued
    row.attempts = 0
    row.next_attempt_at = now or utcnow()
    row.lease_owner = None
    row.lease_until = None
    session.add(row)
    session.flush()
    return row
