"""An attachment mailed to many people is stored once; each mail still arrives with exactly the bytes it had."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.db import make_engine
from app.models import OutboxAttachment, OutboxMessage, OutboxMessageAttachment
from app.notifications.service import Attachment, Recipient, attachment_part, build_message, notify
from app.outbox.deliver import deliver_all
from app.outbox.queue import WIRE, message_bytes, store_part
from tests.factories import make_council, make_user

pytestmark = pytest.mark.usefixtures("db_backend")

PACK = os.urandom(300_000)
INVITE = ("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Réunion\r\nEND:VCALENDAR\r\n" * 40).encode()
FILES = [
    Attachment("agenda.docx", PACK, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Attachment("invite.ics", INVITE, "text/calendar", {"method": "REQUEST", "charset": "utf-8"}),
]


def _queue(session, settings, council, people):
    return notify(
        session,
        settings,
        kind="agenda_published",
        council=council,
        recipients=[Recipient(p.id, p.name, p.email) for p in people],
        subject="Agenda published",
        template="notice",
        context={"paragraphs": ["The agenda is attached."]},
        link="/meetings/1/agenda",
        attachments=FILES,
    )


def _boundaries(raw: bytes) -> bytes:
    """The message with its MIME boundaries (random on every build) named alike."""
    return re.sub(rb"=+\d+==", b"BOUNDARY", raw)


def test_a_pack_mailed_to_every_seat_is_stored_once_and_arrives_whole(session, settings, inbox):
    council = make_council(session)
    people = [make_user(session, name=f"Seat {n}") for n in range(5)]
    rows = _queue(session, settings, council, people)
    session.commit()
    assert len(rows) == 5
    assert session.exec(select(func.count()).select_from(OutboxAttachment)).one() == 2  # the pack, the invite
    assert session.exec(select(func.count()).select_from(OutboxMessageAttachment)).one() == 10
    assert all(len(row.body) < 20_000 for row in rows)  # each body without the 400 KB of base64

    settings = settings.model_copy(update={"SMTP_URL": inbox.url})
    assert deliver_all(make_engine(settings.DATABASE_URL), settings).sent == 5
    assert len(inbox.raw) == 5
    for message, raw in zip(inbox.messages, inbox.raw, strict=True):
        found = {part.get_filename(): part for part in message.iter_attachments()}
        assert found["agenda.docx"].get_content() == PACK
        assert found["invite.ics"].get_payload(decode=True) == INVITE
        assert found["invite.ics"].get_param("method") == "REQUEST"
        # Exactly what the message built whole, as before, would have sent (its boundaries aside).
        [row] = [r for r in rows if r.recipient == message["To"].addresses[0].addr_spec]
        person = next(p for p in people if p.email == row.recipient)
        whole = build_message(
            recipient=Recipient(person.id, person.name, person.email),
            subject="Agenda published",
            text=message.get_body(("plain",)).get_content(),
            html=message.get_body(("html",)).get_content(),
            attachments=FILES,
            unsubscribe=message["List-Unsubscribe"].strip("<>"),
        )
        for header in ("From", "Date", "Message-ID"):
            whole[header] = message[header]
        whole_raw = whole.as_bytes(policy=WIRE)
        # (the server adds nothing before the message; smtplib ends it with CRLF as it was)
        assert _boundaries(raw.replace(b"\r\n", b"\n")) == _boundaries(whole_raw.replace(b"\r\n", b"\n"))
        assert message_bytes(session, session.get(OutboxMessage, row.id)) == raw


def test_attachment_parts_built_once_give_every_mail_the_bytes_attaching_each_file_gives():
    shared = [attachment_part(file) for file in FILES]
    for name in ("Zoë Ünal", "Bob", "A name long enough to be folded " * 4):
        person = Recipient(1, name, "seat@example.org")
        each = [
            build_message(recipient=person, subject="Agenda", text=f"Hello {name}", html="<p>é</p>", attachments=files)
            for files in (FILES, shared)
        ]
        assert _boundaries(each[0].as_bytes(policy=WIRE)) == _boundaries(each[1].as_bytes(policy=WIRE))
    assert [part.as_bytes() for part in shared] == [attachment_part(file).as_bytes() for file in FILES]


def test_the_same_bytes_are_stored_once_across_mailings(session, settings):
    council = make_council(session)
    first = _queue(session, settings, council, [make_user(session)])
    again = _queue(session, settings, council, [make_user(session)])
    session.commit()
    assert len(first) == len(again) == 1
    assert session.exec(select(func.count()).select_from(OutboxAttachment)).one() == 2
    store_part(session, b"QUJD\r\n")
    store_part(session, b"QUJD\r\n")  # stored before: not written again, no error
    session.commit()
    assert session.exec(select(func.count()).select_from(OutboxAttachment)).one() == 3


def test_a_mail_without_attachments_is_stored_whole(session, settings):
    council = make_council(session)
    [row] = notify(
        session,
        settings,
        kind="minutes_approved",
        council=council,
        recipients=[Recipient((u := make_user(session)).id, u.name, u.email)],
        subject="Minutes approved",
        template="notice",
        context={"paragraphs": ["Approved."]},
        link="/meetings/3/minutes",
    )
    session.commit()
    assert message_bytes(session, row) == row.body and b"Approved." in row.body
    assert session.exec(select(func.count()).select_from(OutboxAttachment)).one() == 0
