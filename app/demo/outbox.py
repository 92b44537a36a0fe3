"""The demo council's Mail page: a few messages sent, one waiting to be retried, one given up.

Written as rows, the way the deliverer leaves them, so the page shows what a running
council's outbox looks like without a mail server behind the demo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlmodel import Session

from app.models import Council, Membership, OutboxMessage, OutboxStatus, User

SENDER = "CX Council <council@localhost>"


def _row(person: User, council: Council, *, kind: str, subject: str, text: str, at: datetime) -> OutboxMessage:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = f"{person.name} <{person.email}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = make_msgid(domain="localhost")
    message.set_content(f"Hello {person.name},\n\n{text}\n")
    return OutboxMessage(
        kind=kind,
        council_id=council.id,
        user_id=person.id,
        recipient=person.email,
        subject=subject,
        message_id=str(message["Message-ID"]).strip("<>"),
        body=message.as_bytes(policy=policy.SMTP),
        created_at=at,
        next_attempt_at=at,
    )


def load_outbox_demo(*, session: Session, council: Council, seats: dict[str, Membership], today: date) -> None:
    people = {email: session.get(User, seat.user_id) for email, seat in seats.items()}
    # Yesterday afternoon, when meeting 2's draft minutes were circulated (app/demo/minutes.py).
    morning = datetime.combine(today - timedelta(days=1), time(16, 5), tzinfo=UTC)
    sent = [
        ("billing@example.com", "action_assigned", "New action for you: explain estimated bills in plain English"),
        ("callcentre@example.com", "action_digest", "CX Council: 1 overdue"),
        ("field@example.com", "minutes_circulated", "Draft minutes for corrections: meeting 2"),
        ("digital@example.com", "minutes_circulated", "Draft minutes for corrections: meeting 2"),
    ]
    for n, (email, kind, subject) in enumerate(sent):
        row = _row(people[email], council, kind=kind, subject=subject, text=subject + ".", at=morning)
        row.status = OutboxStatus.sent
        row.sent_at = morning + timedelta(minutes=n + 1)
        session.add(row)
    # The supplier's mail server refused the mailbox for good: given up, waiting for the chair.
    failed = _row(
        people["supplier@example.com"],
        council,
        kind="action_digest",
        subject="CX Council: 1 overdue",
        text="Your actions that are overdue or due this week.",
        at=morning,
    )
    failed.status = OutboxStatus.failed
    failed.attempts = 1
    failed.last_error = "refused: 550 5.1.1 <supplier@example.com>: Recipient address rejected: User unknown"
    session.add(failed)
    # A busy relay: retried with backoff.
    waiting = _row(
        people["secretary@example.com"],
        council,
        kind="correction_proposed",
        subject="Correction proposed to the minutes of meeting 2",
        text="A correction was proposed to the minutes of meeting 2.",
        at=morning,
    )
    waiting.attempts = 2
    waiting.last_error = "refused: 451 4.7.1 Greylisted, please try again later"
    waiting.next_attempt_at = datetime.combine(today + timedelta(days=1), time(6), tzinfo=morning.tzinfo)
    session.add(waiting)
    session.flush()
