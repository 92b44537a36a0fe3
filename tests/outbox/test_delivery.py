"""The deliverer against a real SMTP server on loopback: concurrency, kill -9, refusals, give-up.

The multi-process tests run `council deliver --once` as cron would (a subprocess reading
the environment) against this test's own database, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.db import make_engine
from app.models import OutboxMessage, utcnow
from app.outbox.deliver import deliver_all, retry_wait
from app.outbox.queue import enqueue
from tests.serve import COUNCIL, server_env
from tests.smtp import AnyPortController, Inbox

pytestmark = pytest.mark.usefixtures("db_backend")


def queue_mails(session: Session, settings, count: int, *, council_id: int | None = None) -> list[str]:
    """`count` plain messages queued and committed; their Message-IDs."""
    ids = []
    for n in range(count):
        message = EmailMessage()
        message["To"] = f"person{n}@example.com"
        message["Subject"] = f"Message {n}"
        message.set_content(f"Body {n}\n")
        row = enqueue(session, settings, message, kind="account", council_id=council_id)
        ids.append(row.message_id)
    session.commit()
    return ids


def received_ids(inbox: Inbox) -> Counter:
    return Counter(str(m["Message-ID"]).strip("<>") for m in inbox.messages)


def statuses(session: Session) -> Counter:
    session.expire_all()
    return Counter(row.status for row in session.exec(select(OutboxMessage)).all())


def deliver_process(db_url: str, smtp_url: str, cwd: Path, *, batch: int = 25, **env: str) -> subprocess.Popen:
    """`council deliver --once` as cron starts it, in a process group of its own."""
    return subprocess.Popen(
        [COUNCIL, "deliver", "--once", "--batch", str(batch)],
        env={**server_env(db_url), "SMTP_URL": smtp_url, "BASE_URL": "http://council.example", **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_two_deliverers_at_once_send_each_of_500_mails_exactly_once(session, settings, inbox, db_url, tmp_path):
    queued = queue_mails(session, settings, 500)
    first, second = (deliver_process(db_url, inbox.url, tmp_path) for _ in range(2))
    outputs = [process.communicate(timeout=300)[0].decode() for process in (first, second)]
    assert first.returncode == second.returncode == 0, outputs
    got = received_ids(inbox)
    assert set(got) == set(queued) and len(queued) == 500
    assert [mid for mid, n in got.items() if n > 1] == []  # nothing twice
    assert statuses(session) == {"sent": 500}
    # Each printed what it did, and between them they sent all 500.
    lines = [line for out in outputs for line in out.splitlines() if "; sent " in line]
    sent = [int(line.split("; sent ", 1)[1].split(",")[0]) for line in lines]
    assert sum(sent) == 500, outputs


class SlowInbox(Inbox):
    """Takes its time over each message, so a kill lands in the middle of a batch."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_inbox():
    box = SlowInbox()
    controller = AnyPortController(box, hostname="127.0.0.1", port=0)
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


def test_a_deliverer_killed_mid_batch_loses_nothing_and_repeats_at_most_one(
    session, settings, slow_inbox, db_url, tmp_path
):
    queued = queue_mails(session, settings, 40)
    # One batch of all 40, leased for 60 seconds.
    process = deliver_process(db_url, slow_inbox.url, tmp_path, batch=50, OUTBOX_LEASE_SECONDS="60")
    deadline = time.monotonic() + 120
    while len(slow_inbox.messages) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    sent_before = len(slow_inbox.messages)
    assert 5 <= sent_before < 40  # killed in the middle, with the rest leased to the dead process

    # While the lease lasts nobody touches the dead deliverer's rows …
    restarted = settings.model_copy(update={"SMTP_URL": slow_inbox.url, "OUTBOX_LEASE_SECONDS": 60})
    engine = make_engine(settings.DATABASE_URL)
    try:
        assert deliver_all(engine, restarted).claimed == 0
        # … and once it has passed, the restarted deliverer takes them over.
        run = deliver_all(engine, restarted, now=utcnow() + timedelta(seconds=61))
    finally:
        engine.dispose()
    assert run.failed == run.retrying == 0
    got = received_ids(slow_inbox)
    assert set(got) == set(queued)  # nothing lost
    twice = [mid for mid, n in got.items() if n > 1]
    assert len(twice) <= 1  # at most the one in flight, and it carries its one Message-ID
    assert len(slow_inbox.messages) == 40 + len(twice)
    assert statuses(session) == {"sent": 40}


class RefusingInbox(Inbox):
    """Answers 451 (try again later) while `refusing` is set."""

    refusing = True

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refusing:
            return "451 4.3.0 Mail server busy, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_inbox():
    box = RefusingInbox()
    controller = AnyPortController(box, hostname="127.0.0.1", port=0)
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


def test_a_server_that_refuses_for_a_while_gets_the_mail_later(session, settings, refusing_inbox):
    [message_id] = queue_mails(session, settings, 1)
    settings = settings.model_copy(update={"SMTP_URL": refusing_inbox.url})
    engine = make_engine(settings.DATABASE_URL)
    start = utcnow()
    try:
        first = deliver_all(engine, settings, now=start)
        assert (first.sent, first.retrying, first.failed) == (0, 1, 0)
        assert "451" in first.errors[0]
        [row] = session.exec(select(OutboxMessage)).all()
        assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 1, start + timedelta(seconds=60))
        assert "451 4.3.0 Mail server busy" in row.last_error
        # Not before its time: the backoff is honoured.
        assert deliver_all(engine, settings, now=start + timedelta(seconds=30)).claimed == 0
        second = deliver_all(engine, settings, now=start + timedelta(seconds=61))
        assert second.retrying == 1
        session.expire_all()
        assert session.get(OutboxMessage, row.id).next_attempt_at == start + timedelta(seconds=61 + 120)
        # The server recovers: the next attempt gets through, once.
        refusing_inbox.refusing = False
        assert deliver_all(engine, settings, now=start + timedelta(seconds=61 + 119)).claimed == 0
        third = deliver_all(engine, settings, now=start + timedelta(seconds=61 + 121))
        assert third.sent == 1
    finally:
        engine.dispose()
    assert received_ids(refusing_inbox) == {message_id: 1}
    session.expire_all()
    row = session.get(OutboxMessage, row.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_backoff_doubles_up_to_six_hours(settings):
    waits = [retry_wait(settings, n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == timedelta(hours=6)


def test_an_unreachable_server_holds_the_whole_batch_without_giving_up(session, settings):
    queue_mails(session, settings, 3)
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    settings = settings.model_copy(update={"SMTP_URL": f"smtp://127.0.0.1:{closed}", "OUTBOX_MAX_ATTEMPTS": 1})
    engine = make_engine(settings.DATABASE_URL)
    try:
        run = deliver_all(engine, settings)
    finally:
        engine.dispose()
    # One connection attempt for the batch; even at the last attempt an unreachable server gives up
    # everything at once only because the limit says so.
    assert run.claimed == 3 and run.failed == 3
    assert all("could not reach the mail server" in error for error in run.errors)
