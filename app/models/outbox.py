"""The mail outbox, and what each member chose to receive.

Every notification is a row of `outbox` written in the same transaction as the event that
causes it (an agenda published, an action assigned …): a rolled-back request leaves no
row, so it sends nothing, and a committed one is never forgotten. A deliverer
(app/outbox/deliver.py, `council deliver`) claims due rows with a lease, sends them and
marks them sent. The message is stored whole, with its Message-ID, when it is queued: a
retry sends the very same message, so the rare duplicate (a crash between the SMTP
server's acceptance and marking the row sent) has the same Message-ID and mail clients
fold it.

An attachment is stored once however many mails carry it (outbox_attachments, keyed by
the SHA-256 of its bytes as sent): a published agenda mails its ~1 MB pack to every seat,
and each row keeps only where those bytes go back into its body
(outbox_message_attachments); the deliverer splices them in before sending.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, Relationship, SQLModel

from app.models.base import TZDateTime, utcnow


class OutboxStatus(StrEnum):
    queued = "queued"  # waiting, or waiting to be retried after a failure (see attempts, last_error)
    sent = "sent"  # the SMTP server accepted it
    failed = "failed"  # given up after the last attempt; shown to the council, can be retried by hand


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status"),
        # What a deliverer looks for: due rows, oldest first.
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        UniqueConstraint("message_id", name="uq_outbox_message_id"),
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # A key of app.notifications.kinds.KINDS, or "account" for sign-in mail nobody opts out of.
    kind: str = Field(max_length=40)
    council_id: int | None = Field(default=None, foreign_key="councils.id", ondelete="SET NULL", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=500)
    # The Message-ID header, without angle brackets: the same on every attempt.
    message_id: str = Field(max_length=250)
    # The whole message as sent (RFC 5322 bytes, attachments included).
    body: bytes = Field(sa_type=LargeBinary)
    # Set when an event must be queued at most once (the daily digest: "digest:<user>:<date>").
    dedupe_key: str | None = Field(default=None, max_length=200)
    status: str = Field(default=OutboxStatus.queued, max_length=20)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # A deliverer's claim: no other deliverer touches the row until lease_until passes.
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=TZDateTime)
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    # The attachments cut out of `body`, in the order they go back (app/outbox/queue.py message_bytes).
    parts: list["OutboxMessageAttachment"] = Relationship(
        sa_relationship_kwargs={
            "order_by": "OutboxMessageAttachment.position",
            "lazy": "raise",
            "passive_deletes": True,
        }
    )


class OutboxAttachment(SQLModel, table=True):
    """One attachment's bytes as they go on the wire (its encoded lines), kept once for every mail carrying it."""

    __tablename__ = "outbox_attachments"

    sha256: str = Field(primary_key=True, max_length=64)
    content: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class OutboxMessageAttachment(SQLModel, table=True):
    """Where a stored attachment goes back into a queued message: at `position` of the body as stored."""

    __tablename__ = "outbox_message_attachments"

    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", ondelete="CASCADE", primary_key=True)
    position: int = Field(primary_key=True)
    sha256: str = Field(foreign_key="outbox_attachments.sha256", ondelete="RESTRICT", index=True, max_length=64)


class NotificationPreference(SQLModel, table=True):
    """One member's choice for one kind of mail in one council; no row means the kind's default."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "council_id", "kind", name="uq_notification_preferences_choice"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=40)
    enabled: bool
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
