"""Permission-matrix rows for the council's mail (see test_permissions.py).

The world holds one given-up message of the matrix council. Its chair and secretary see
the council's mail and may send a given-up message again; other seats get 403, outsiders
404 (the message does not exist for them).
"""

from app.models import OutboxMessage, OutboxStatus, utcnow

MAIL = {"chair", "secretary"}

RULES: dict = {
    ("GET", "/api/councils/{council_id}/outbox"): {"ok": MAIL},
    ("POST", "/api/outbox/{outbox_message_id}/retry"): {"ok": MAIL},
}


def arrange(session, world) -> dict[str, int]:
    row = OutboxMessage(
        kind="account",
        council_id=world.council.id,
        recipient="nobody@example.com",
        subject="Invitation to Matrix council",
        message_id=f"matrix-{world.council.id}@example.com",
        body=b"Subject: Invitation\r\n\r\nHello\r\n",
        status=OutboxStatus.failed,
        attempts=8,
        last_error="refused: 550 5.1.1 Mailbox unavailable",
        next_attempt_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return {"outbox_message_id": row.id}
