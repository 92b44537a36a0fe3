"""Queueing mail: one outbox row per message, written in the caller's transaction.

The caller never commits for the outbox: the row is part of the event's own transaction,
so a request that rolls back queues nothing and one that commits cannot lose its mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app.mail import stamp_message
from app.models import OutboxMessage
from app.models.base import utcnow

if TYPE_CHECKING:
    from app.config import Settings

# Long subjects are kept whole in the message; the row keeps enough to list it.
SUBJECT_LENGTH = 500
# SMTP line endings; headers folded at RFC 5322's hard limit, not its 78-character advice:
# CPython folds a long Subject by starting it on a continuation line, which mail
# clients and the standard library's own parser then read with a leading space.
WIRE = policy.SMTP.clone(max_line_length=998)


def queued_keys(session: Session, dedupe_keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys a queued message already holds: one query for all of them."""
    keys = set(dedupe_keys)
    if not keys:
        return set()
    return set(session.exec(select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(keys))))


def enqueue(
    session: Session,
    settings: Settings,
    message: EmailMessage,
    *,
    kind: str,
    council_id: int | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Queue `message` (one recipient in To) for the deliverer.

    From, Date and Message-ID are fixed now, so every attempt sends the same bytes. A
    `dedupe_key` is stored, not checked: the caller leaves out the keys `queued_keys`
    finds (notify does, for all its recipients at once); the unique index is the backstop.
    """
    stamp_message(settings, message)
    addresses = message["To"].addresses
    if len(addresses) != 1:
        raise ValueError("an outbox message has exactly one recipient")
    row = OutboxMessage(
        kind=kind,
        council_id=council_id,
        user_id=user_id,
        recipient=addresses[0].addr_spec,
        subject=str(message["Subject"] or "")[:SUBJECT_LENGTH],
        message_id=str(message["Message-ID"]).strip().strip("<>"),
        body=message.as_bytes(policy=WIRE),
        dedupe_key=dedupe_key,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    session.add(row)
    return row
