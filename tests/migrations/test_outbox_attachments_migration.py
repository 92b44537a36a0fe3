"""e3b8f1a6c2d4: each outbox attachment stored once; existing rows' inline attachments moved out, and back;
council_revisions.minutes_stamp added and dropped."""

import os

from sqlalchemy import inspect, text

from app.notifications.service import Attachment, Recipient, build_message
from app.outbox.queue import WIRE, splice
from tests.migrations.helpers import NOW, execute, roundtrip

BEFORE, AFTER = "d4e8b2a6c913", "e3b8f1a6c2d4"
PACK = os.urandom(50_000)
INVITE = ("BEGIN:VCALENDAR\r\nSUMMARY:Meeting é\r\nEND:VCALENDAR\r\n" * 20).encode()


def _message(n: int, *, attached: bool) -> bytes:
    files = [
        Attachment("pack.docx", PACK, "application/octet-stream"),
        Attachment("invite.ics", INVITE, "text/calendar", {"method": "REQUEST", "charset": "utf-8"}),
    ]
    message = build_message(
        recipient=Recipient(n, f"Person {n}", f"p{n}@example.com"),
        subject="Agenda published",
        text="The agenda.\n",
        html="<p>The agenda.</p>",
        attachments=files if attached else [],
    )
    message["Message-ID"] = f"<m{n}@example.com>"
    return message.as_bytes(policy=WIRE)


BODIES = {1: _message(1, attached=True), 2: _message(2, attached=True), 3: _message(3, attached=False)}


def _seed(engine) -> None:
    execute(
        engine,
        "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, can_create_councils, "
        f"created_at) VALUES (1, 'a@example.com', 'A', 'x', :yes, :no, :no, '{NOW}')",
        yes=True,
        no=False,
    )
    with engine.begin() as conn:
        for n, body in BODIES.items():
            conn.execute(
                text(
                    "INSERT INTO outbox (id, kind, user_id, recipient, subject, message_id, body, status, attempts, "
                    f"next_attempt_at, last_error, created_at) VALUES (:id, 'agenda_published', 1, :to, 'S', :mid, "
                    f":body, 'queued', 0, '{NOW}', '', '{NOW}')"
                ),
                {"id": n, "to": f"p{n}@example.com", "mid": f"m{n}@example.com", "body": body},
            )


def _bodies(engine) -> dict[int, bytes]:
    with engine.connect() as conn:
        return {i: bytes(b) for i, b in conn.execute(text("SELECT id, body FROM outbox ORDER BY id"))}


def _upgraded(engine) -> None:
    bodies = _bodies(engine)
    with engine.connect() as conn:
        stored = {sha: bytes(c) for sha, c in conn.execute(text("SELECT sha256, content FROM outbox_attachments"))}
        refs = conn.execute(
            text("SELECT outbox_id, position, sha256 FROM outbox_message_attachments ORDER BY outbox_id, position")
        ).all()
    assert len(stored) == 2  # the pack and the invite, once each for both mails
    assert sorted({r[0] for r in refs}) == [1, 2]
    for n in (1, 2):
        assert len(bodies[n]) < 2_000 < len(BODIES[n])
        parts = [(position, stored[sha]) for row, position, sha in refs if row == n]
        assert splice(bodies[n], parts) == BODIES[n]  # the very bytes it would have sent
    assert bodies[3] == BODIES[3]
    assert "minutes_stamp" in {c["name"] for c in inspect(engine).get_columns("council_revisions")}


def _downgraded(engine) -> None:
    assert _bodies(engine) == BODIES
    tables = inspect(engine).get_table_names()
    assert "outbox_attachments" not in tables and "outbox_message_attachments" not in tables
    assert "minutes_stamp" not in {c["name"] for c in inspect(engine).get_columns("council_revisions")}


def test_inline_attachments_move_out_once_and_back(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=AFTER, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
