"""`council deliver` as operators run it, and the delivery loop inside `council serve`."""

from __future__ import annotations

import time

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings
from app.models import OutboxMessage
from tests.outbox.test_delivery import queue_mails, received_ids
from tests.serve import council_serve

pytestmark = pytest.mark.usefixtures("db_backend")
runner = CliRunner()


@pytest.fixture
def env(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "deliver-test-secret-" + "x" * 32)
    return monkeypatch


def deliver(*args: str):
    get_settings.cache_clear()
    return runner.invoke(cli, ["deliver", *args])


def test_deliver_once_sends_what_is_due_and_says_so(env, inbox, session, settings):
    queue_mails(session, settings, 3)
    env.setenv("SMTP_URL", inbox.url)
    result = deliver("--once")
    assert result.exit_code == 0, result.output
    assert "jobs: digests 0, report_reminders 0, queued_jobs 0; sent 3, 0 will be retried, 0 given up" in result.stdout
    assert len(inbox.messages) == 3
    again = deliver()
    assert "sent 0, 0 will be retried, 0 given up" in again.stdout and len(inbox.messages) == 3


def test_deliver_refuses_to_run_without_a_mail_server_and_leaves_the_mail_queued(env, session, settings):
    queue_mails(session, settings, 1)
    env.setenv("SMTP_URL", "")
    result = deliver("--once")
    assert result.exit_code == 2 and "SMTP_URL is not set" in result.stderr
    env.setenv("SMTP_URL", "smtp://user:hunter2@127.0.0.1:25?starttls=1")
    malformed = deliver("--once")
    assert malformed.exit_code == 2 and "hunter2" not in malformed.output
    session.expire_all()
    [row] = session.exec(select(OutboxMessage)).all()
    assert (row.status, row.attempts) == ("queued", 0)


def test_an_unreachable_database_exits_1(env, inbox, tmp_path):
    env.setenv("SMTP_URL", inbox.url)
    env.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = deliver("--once")
    assert result.exit_code == 1


def test_council_serve_delivers_by_itself_when_asked(session, settings, inbox, db_url, tmp_path, monkeypatch):
    [message_id] = queue_mails(session, settings, 1)
    monkeypatch.setenv("SMTP_URL", inbox.url)
    monkeypatch.setenv("DELIVER_IN_SERVE", "true")
    monkeypatch.setenv("DELIVER_INTERVAL_SECONDS", "1")
    with council_serve(db_url, tmp_path) as (process, _base):
        deadline = time.monotonic() + 60
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    # Stopped cleanly (SIGTERM), the delivery thread with it.
    [log] = tmp_path.glob("server-*.log")
    assert "Application shutdown complete." in log.read_text()
    assert received_ids(inbox) == {message_id: 1}
    session.expire_all()
    assert session.exec(select(OutboxMessage)).one().status == "sent"
