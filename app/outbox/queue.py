"""Queueing mail: one outbox row per message, written in the caller's transaction.

The caller never commits for the outbox: the row is part of the event's own transaction,
so a request that rolls back queues nothing and one that commits cannot lose its mail.

An attachment many mails carry (the agenda pack, to every seat) is stored once
(`store_part`: outbox_attachments, keyed by the SHA-256 of its encoded bytes). Each mail is
built with a small stand-in in its place, and `enqueue` cuts the stand-in's bytes out of the
body and records where the stored bytes go back; `message_bytes` puts them back, so the
deliverer sends exactly the bytes the whole message would have had.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.mail import stamp_message
from app.models import OutboxAttachment, OutboxMessage, OutboxMessageAttachment
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


@dataclass(frozen=True)
class StoredPart:
    """An attachment stored once, and the stand-in that takes its place in each message until delivery."""

    sha256: str
    # Bytes to attach instead of the real content (one base64 line once encoded: 48 random bytes) …
    stand_in: bytes
    # … and that line as the message carries it, which enqueue cuts out of the body.
    cut: bytes


def store_part(session: Session, wire: bytes) -> StoredPart:
    """Keep an attachment's payload as it goes on the wire (its encoded lines, CRLF ends) once; its stand-in.

    Written in the caller's transaction; a payload stored before (the same bytes) is not written again."""
    sha256 = hashlib.sha256(wire).hexdigest()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(OutboxAttachment)
        .values(sha256=sha256, content=wire, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"])
    )
    stand_in = secrets.token_bytes(48)
    return StoredPart(sha256=sha256, stand_in=stand_in, cut=base64.b64encode(stand_in) + b"\r\n")


def _cut(body: bytes, parts: Sequence[StoredPart]) -> tuple[bytes, list[OutboxMessageAttachment]]:
    """`body` without each part's stand-in line, and where each part's stored bytes go back."""
    pieces, refs, start, removed = [], [], 0, 0
    for part in parts:
        at = body.find(part.cut, start)
        if at < 0:
            raise ValueError("an attachment's stand-in is missing from the message")
        pieces.append(body[start:at])
        refs.append(OutboxMessageAttachment(position=at - removed, sha256=part.sha256))
        start = at + len(part.cut)
        removed += len(part.cut)
    pieces.append(body[start:])
    return b"".join(pieces), refs


def splice(body: bytes, positions: Sequence[tuple[int, bytes]]) -> bytes:
    """The whole message: each stored payload put back at its position (ascending) of the stored body."""
    pieces, start = [], 0
    for position, wire in positions:
        pieces += [body[start:position], wire]
        start = position
    pieces.append(body[start:])
    return b"".join(pieces)


def message_bytes(session: Session, row: OutboxMessage, known: Mapping[str, bytes] | None = None) -> bytes:
    """The message of `row` as it is sent: its body with its attachments put back (`known`: payloads by SHA-256
    already read, which the caller may keep for the next row)."""
    refs = session.exec(
        select(OutboxMessageAttachment.position, OutboxMessageAttachment.sha256)
        .where(OutboxMessageAttachment.outbox_id == row.id)
        .order_by(col(OutboxMessageAttachment.position))
    ).all()
    if not refs:
        return row.body
    found = dict(known or {})
    wanted = {sha for _, sha in refs if sha not in found}
    if wanted:
        found |= dict(
            session.exec(
                select(OutboxAttachment.sha256, OutboxAttachment.content).where(
                    col(OutboxAttachment.sha256).in_(wanted)
                )
            ).all()
        )
    if isinstance(known, dict):
        known.update({sha: found[sha] for sha in wanted})
    return splice(row.body, [(position, found[sha]) for position, sha in refs])


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
    parts: Sequence[StoredPart] = (),
) -> OutboxMessage:
    """Queue `message` (one recipient in To) for the deliverer.

    From, Date and Message-ID are fixed now, so every attempt sends the same bytes. A
    `dedupe_key` is stored, not checked: the caller leaves out the keys `queued_keys`
    finds (notify does, for all its recipients at once); the unique index is the backstop.
    `parts`: the stored attachments whose stand-ins `message` carries, in the order they appear.
    """
    stamp_message(settings, message)
    addresses = message["To"].addresses
    if len(addresses) != 1:
        raise ValueError("an outbox message has exactly one recipient")
    body, refs = _cut(message.as_bytes(policy=WIRE), parts)
    row = OutboxMessage(
        kind=kind,
        council_id=council_id,
        user_id=user_id,
        recipient=addresses[0].addr_spec,
        subject=str(message["Subject"] or "")[:SUBJECT_LENGTH],
        message_id=str(message["Message-ID"]).strip().strip("<>"),
        body=body,
        dedupe_key=dedupe_key,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    row.parts = refs
    session.add(row)
    return row
