"""outbox_attachments: each mail attachment's bytes stored once, however many queued mails carry it;
council_revisions.minutes_stamp: what a write to the minutes' record alone replaces.

A published agenda mailed its ~1 MB Word pack to every seat, and each outbox row kept it
base64 inside its body: about 50 MB written per publish of a forty-seat council. Now the
attachment's encoded bytes are kept once (keyed by their SHA-256) and each row records
where they go back into its body (outbox_message_attachments).

Upgrading moves the base64 attachments of every existing row out of its body (the same
bytes, spliced back exactly when it is sent; a row whose parts cannot be found byte for
byte keeps its body whole). Downgrading puts them back into each body and drops both tables.

council_revisions.minutes_stamp starts empty (NULL) in every council (app/revision.py: the
minutes' record's writes replace it instead of the council's stamp, so a secretary's autosave
leaves the cached agenda alone); downgrading drops it and keeps the stamps.

Revision ID: e3b8f1a6c2d4
Revises: d4e8b2a6c913
Create Date: 2026-11-30 12:30:00
"""

import hashlib
from collections.abc import Sequence
from email import policy
from email.parser import BytesParser

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "e3b8f1a6c2d4"
down_revision: str | None = "d4e8b2a6c913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 20  # rows read at a time: a body with its pack is over a megabyte
SMALLEST = 256  # a payload shorter than this stays in its body (it could match elsewhere, and saves nothing)
# As this revision knows them (not the models: a later revision may change those).
outbox = sa.table("outbox", sa.column("id", sa.Integer()), sa.column("body", sa.LargeBinary()))
stored = sa.table(
    "outbox_attachments",
    sa.column("sha256", sa.String()),
    sa.column("content", sa.LargeBinary()),
    sa.column("created_at", app.models.base.TZDateTime(timezone=True)),
)
refs = sa.table(
    "outbox_message_attachments",
    sa.column("outbox_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("sha256", sa.String()),
)


def upgrade() -> None:
    op.create_table(
        "outbox_attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", app.models.base.TZDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_outbox_attachments")),
    )
    op.create_table(
        "outbox_message_attachments",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_outbox_message_attachments_outbox_id_outbox"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["outbox_attachments.sha256"],
            name=op.f("fk_outbox_message_attachments_sha256_outbox_attachments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("outbox_id", "position", name=op.f("pk_outbox_message_attachments")),
    )
    op.create_index(
        op.f("ix_outbox_message_attachments_sha256"), "outbox_message_attachments", ["sha256"], unique=False
    )
    _move_out(op.get_bind())
    with op.batch_alter_table("council_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes_stamp", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("council_revisions", schema=None) as batch_op:
        batch_op.drop_column("minutes_stamp")
    _put_back(op.get_bind())
    op.drop_index(op.f("ix_outbox_message_attachments_sha256"), table_name="outbox_message_attachments")
    op.drop_table("outbox_message_attachments")
    op.drop_table("outbox_attachments")


def payloads(body: bytes) -> list[bytes]:
    """The encoded payload of each base64 attachment of a stored message, as its bytes read (CRLF ends)."""
    message = BytesParser(policy=policy.compat32).parsebytes(body)
    found = []
    for part in message.walk():
        if part.is_multipart() or part.get("Content-Disposition", "").split(";")[0].strip().lower() != "attachment":
            continue
        if part.get("Content-Transfer-Encoding", "").strip().lower() != "base64":
            continue
        payload = part.get_payload()
        if isinstance(payload, str) and len(payload) >= SMALLEST:
            found.append(payload.encode("ascii", "surrogateescape"))
    return found


def cut(body: bytes) -> tuple[bytes, list[tuple[int, bytes]]]:
    """The body without its attachments' payloads, and (position in what is left, payload) of each, in order."""
    pieces, out, start, removed = [], [], 0, 0
    for wire in payloads(body):
        at = body.find(wire, start)
        if at < 0:
            return body, []  # not where the parser says: keep it whole
        pieces.append(body[start:at])
        out.append((at - removed, wire))
        start, removed = at + len(wire), removed + len(wire)
    pieces.append(body[start:])
    return b"".join(pieces), out


def splice(body: bytes, parts: list[tuple[int, bytes]]) -> bytes:
    pieces, start = [], 0
    for position, wire in parts:
        pieces += [body[start:position], wire]
        start = position
    pieces.append(body[start:])
    return b"".join(pieces)


def _move_out(conn: sa.Connection) -> None:
    last = 0
    known: set[str] = set()
    while rows := conn.execute(
        sa.select(outbox.c.id, outbox.c.body).where(outbox.c.id > last).order_by(outbox.c.id).limit(BATCH)
    ).all():
        for row_id, body in rows:
            last = row_id
            left, parts = cut(bytes(body))
            if not parts or splice(left, parts) != bytes(body):
                continue
            for position, wire in parts:
                sha = hashlib.sha256(wire).hexdigest()
                if sha not in known:
                    if conn.execute(sa.select(stored.c.sha256).where(stored.c.sha256 == sha)).first() is None:
                        conn.execute(stored.insert().values(sha256=sha, content=wire, created_at=sa.func.now()))
                    known.add(sha)
                conn.execute(refs.insert().values(outbox_id=row_id, position=position, sha256=sha))
            conn.execute(outbox.update().where(outbox.c.id == row_id).values(body=left))


def _put_back(conn: sa.Connection) -> None:
    ids = [i for (i,) in conn.execute(sa.select(refs.c.outbox_id).distinct().order_by(refs.c.outbox_id))]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        parts: dict[int, list[tuple[int, bytes]]] = {i: [] for i in chunk}
        for row_id, position, wire in conn.execute(
            sa.select(refs.c.outbox_id, refs.c.position, stored.c.content)
            .join(stored, stored.c.sha256 == refs.c.sha256)
            .where(refs.c.outbox_id.in_(chunk))
            .order_by(refs.c.outbox_id, refs.c.position)
        ):
            parts[row_id].append((position, bytes(wire)))
        for row_id, body in conn.execute(sa.select(outbox.c.id, outbox.c.body).where(outbox.c.id.in_(chunk))):
            conn.execute(outbox.update().where(outbox.c.id == row_id).values(body=splice(bytes(body), parts[row_id])))
