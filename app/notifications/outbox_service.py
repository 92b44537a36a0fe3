"""A council's mail as its chair and secretary see it: what waits, what was given up, what left.

The deliverer (app/outbox/deliver.py) retries a refused message with backoff and gives it
up after OUTBOX_MAX_ATTEMPTS; a given-up message stays here, with the server's last answer,
until someone sends it again. "Send again" is recorded in the audit log (who, when).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.archive import write_audit
from app.auth import Access, load_access
from app.errors import Conflict, NotFound
from app.models import AuditEntry, OutboxMessage, OutboxStatus, Role, User, utcnow
from app.notifications.kinds import ACCOUNT, KINDS
from app.outbox.deliver import requeue

# Sent mail is listed up to this many, newest first: enough to answer "did it go?".
SENT_LISTED = 50
MAIL_ROLES = (Role.chair, Role.secretary)


class OutboxRow(BaseModel):
    """One message of the council's outbox (the message itself is not shown: it may be large)."""

    id: int
    status: str
    kind: str
    kind_label: str
    recipient: str
    subject: str
    message_id: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    # Who last asked to send it again, and when (from the audit log).
    resent_by: str | None = None
    resent_at: datetime | None = None


def kind_label(kind: str) -> str:
    if kind == ACCOUNT:
        return "Invitation or account"
    known = KINDS.get(kind)
    return known.label if known else kind


def _public(row: OutboxMessage, resent: AuditEntry | None) -> OutboxRow:
    assert row.id is not None
    return OutboxRow(
        id=row.id,
        status=row.status,
        kind=row.kind,
        kind_label=kind_label(row.kind),
        recipient=row.recipient,
        subject=row.subject,
        message_id=row.message_id,
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status == OutboxStatus.queued else None,
        created_at=row.created_at,
        sent_at=row.sent_at,
        resent_by=resent.actor if resent else None,
        resent_at=resent.at if resent else None,
    )


def list_council_outbox(*, session: Session, access: Access) -> list[OutboxRow]:
    """Given up first, then waiting (soonest first), then the last SENT_LISTED sent (newest first)."""
    access.require(*MAIL_ROLES, doing="see the council's mail")
    mine = OutboxMessage.council_id == access.council.id
    failed = session.exec(
        select(OutboxMessage).where(mine, OutboxMessage.status == OutboxStatus.failed).order_by(col(OutboxMessage.id))
    ).all()
    queued = session.exec(
        select(OutboxMessage)
        .where(mine, OutboxMessage.status == OutboxStatus.queued)
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
    ).all()
    sent = session.exec(
        select(OutboxMessage)
        .where(mine, OutboxMessage.status == OutboxStatus.sent)
        .order_by(col(OutboxMessage.sent_at).desc(), col(OutboxMessage.id).desc())
        .limit(SENT_LISTED)
    ).all()
    rows = [*failed, *queued, *sent]
    resends: dict[str, AuditEntry] = {}
    if rows:
        subjects = [f"outbox:{row.id}" for row in rows]
        for entry in session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.subject).in_(subjects), AuditEntry.action == "resend")
            .order_by(col(AuditEntry.at), col(AuditEntry.id))
        ):
            resends[entry.subject] = entry  # the latest wins
    return [_public(row, resends.get(f"outbox:{row.id}")) for row in rows]


def failed_count(*, session: Session, council_id: int) -> int:
    """How many of the council's messages were given up (the council page's banner)."""
    return session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.council_id == council_id, OutboxMessage.status == OutboxStatus.failed)
    ).one()


def get_message_access(*, session: Session, user: User, message_id: int) -> tuple[OutboxMessage, Access]:
    """A council's message with the user's seat there; not found for anyone without a seat."""
    row = session.get(OutboxMessage, message_id)
    if row is None or row.council_id is None:
        raise NotFound("Message not found.")
    try:
        access = load_access(session=session, user=user, council_id=row.council_id)
    except NotFound:
        raise NotFound("Message not found.") from None
    return row, access


def send_again(*, session: Session, access: Access, row: OutboxMessage) -> OutboxRow:
    """Requeue a given-up message (chair or secretary): queued, no attempts, due now; audited."""
    access.require(*MAIL_ROLES, doing="send mail again")
    if row.status != OutboxStatus.failed:
        raise Conflict(
            "Only a message that was given up can be sent again; this one is "
            + ("already sent." if row.status == OutboxStatus.sent else "still queued.")
        )
    error = row.last_error
    requeue(session, row, now=utcnow())
    entry = write_audit(
        session=session,
        actor=access.user.email,
        action="resend",
        subject=f"outbox:{row.id}",
        detail={"recipient": row.recipient, "subject": row.subject, "kind": row.kind, "last_error": error},
    )
    return _public(row, entry)
