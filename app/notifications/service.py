"""`notify`: one event, its recipients, one queued mail each (in the event's transaction).

Every caller passes the kind, the council, the people, a subject, a template under
templates/mail/ with its context, and the link to the record. `notify` keeps the ones
who want this kind (app/notifications/preferences.py), renders the text and HTML parts,
adds the unsubscribe link and headers for optional kinds, attaches files, and queues one
outbox row per person (app/outbox/queue.py). Nothing is sent here: the deliverer sends
after the transaction commits, so a rolled-back request mails nobody.

Attachments are encoded and stored once per call, whatever the number of people (a
published agenda's pack goes to every seat): each mail carries a stand-in the outbox
swaps for the stored bytes when it sends (app/outbox/queue.py `store_part`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlmodel import Session

from app.models import Council, OutboxMessage
from app.notifications.compose import render_mail
from app.notifications.kinds import ACCOUNT, KINDS
from app.notifications.preferences import is_required, unsubscribe_url, wanting
from app.outbox.queue import WIRE, StoredPart, enqueue, queued_keys, store_part

if TYPE_CHECKING:
    from app.config import Settings


@dataclass(frozen=True)
class Recipient:
    user_id: int
    name: str
    email: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    media_type: str
    # Extra Content-Type parameters, e.g. {"method": "REQUEST"} for a meeting request.
    params: dict[str, str] = field(default_factory=dict)


def one_line(text: str) -> str:
    return " ".join(text.split())


def absolute(settings: Settings, path: str) -> str:
    """A link for a mail: BASE_URL and the path (paths start with /)."""
    return path if "://" in path else f"{settings.BASE_URL.rstrip('/')}{path}"


def build_message(
    *,
    recipient: Recipient,
    subject: str,
    text: str,
    html: str,
    attachments: Sequence[Attachment | EmailMessage] = (),
    unsubscribe: str | None = None,
) -> EmailMessage:
    """One person's mail: text and HTML alternatives, then the attachments (an `Attachment`, or its part as
    `attachment_part` built it, which many messages may share: serialising a message does not change it)."""
    message = EmailMessage()
    message["To"] = Address(display_name=one_line(recipient.name), addr_spec=recipient.email)
    message["Subject"] = one_line(subject)
    if unsubscribe:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that posts to it.
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        _attach(message, attachment if isinstance(attachment, EmailMessage) else attachment_part(attachment))
    return message


def attachment_part(attachment: Attachment) -> EmailMessage:
    """The MIME part of `attachment`, as EmailMessage.add_attachment builds it."""
    maintype, subtype = attachment.media_type.split("/", 1)
    part = EmailMessage()
    part.set_content(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    for name, value in attachment.params.items():
        part.set_param(name, value)
    return part


def _attach(message: EmailMessage, part: EmailMessage) -> None:
    if message.get_content_type() != "multipart/mixed":
        message.make_mixed()
    message.attach(part)


def stored_attachment(session: Session, attachment: Attachment) -> tuple[Attachment, StoredPart]:
    """`attachment` encoded once and stored in the outbox; the stand-in each mail attaches in its place.

    Encoded as build_message attaches it, so the bytes put back are the bytes it would have carried."""
    wire = attachment_part(attachment).as_bytes(policy=WIRE).split(b"\r\n\r\n", 1)[1]
    part = store_part(session, wire)
    return replace(attachment, content=part.stand_in), part


def notify(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    council: Council,
    recipients: Iterable[Recipient],
    subject: str | Callable[[Recipient], str],
    template: str,
    context: dict,
    link: str,
    attachments: Sequence[Attachment] = (),
    dedupe_key: Callable[[Recipient], str] | None = None,
    now: datetime | None = None,
) -> list[OutboxMessage]:
    """Queue one mail per recipient who wants `kind` from `council`; the rows queued.

    `context` reaches the templates with `recipient`, `council`, `link` (absolute),
    `kind` (its label and description), `preferences_url` and `unsubscribe_url` (None
    when the council requires the kind) added. A recipient listed twice gets one mail.
    """
    if kind != ACCOUNT and kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    assert council.id is not None
    required = is_required(council, kind)
    unique: dict[int, Recipient] = {}  # a recipient listed twice gets one mail
    for recipient in recipients:
        unique.setdefault(recipient.user_id, recipient)
    # One query each for everyone's preferences and for the keys already queued, whatever the number of people.
    wanted = wanting(session, user_ids=unique, council=council, kind=kind)
    keys = {user_id: dedupe_key(r) for user_id, r in unique.items() if user_id in wanted} if dedupe_key else {}
    taken = queued_keys(session, keys.values())
    queued: list[OutboxMessage] = []
    stored: list[tuple[Attachment, StoredPart]] | None = None  # once someone is mailed
    shared: list[EmailMessage] = []  # the stand-ins' parts, built once for every mail
    for recipient in unique.values():
        key = keys.get(recipient.user_id)
        if recipient.user_id not in wanted or key in taken:
            continue
        unsubscribe = (
            None if required else unsubscribe_url(settings, user_id=recipient.user_id, council_id=council.id, kind=kind)
        )
        full = {
            **context,
            "recipient": recipient,
            "council": council,
            "link": absolute(settings, link),
            "kind": KINDS.get(kind),
            "preferences_url": absolute(settings, "/notifications"),
            "unsubscribe_url": unsubscribe,
        }
        text, html = render_mail(template, full)
        if stored is None:
            stored = [stored_attachment(session, attachment) for attachment in attachments]
            shared = [attachment_part(stand_in) for stand_in, _ in stored]
        message = build_message(
            recipient=recipient,
            subject=subject(recipient) if callable(subject) else subject,
            text=text,
            html=html,
            attachments=shared,
            unsubscribe=unsubscribe,
        )
        row = enqueue(
            session,
            settings,
            message,
            kind=kind,
            council_id=council.id,
            user_id=recipient.user_id,
            dedupe_key=key,
            now=now,
            parts=[part for _, part in stored],
        )
        if key is not None:
            taken.add(key)
        queued.append(row)
    return queued
