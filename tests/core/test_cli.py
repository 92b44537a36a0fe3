"""The `council` command as an operator uses it."""

import os

import pytest
from sqlmodel import func, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.demo.council import PEOPLE
from app.models import Action, Council, Meeting, User

runner = CliRunner()


@pytest.fixture
def env(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "x" * 32)
    return db_url


def test_demo_loads_once_and_prints_the_logins(env, session):
    first = runner.invoke(cli, ["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Loaded demo council" in first.output
    for person in PEOPLE:
        assert person.email in first.output
    assert "demo-password" in first.output
    assert "8 mails queued (the agenda to every seat, a report reminder)" in first.output
    second = runner.invoke(cli, ["demo", "--if-empty"])
    assert second.exit_code == 0 and "demo not loaded" in second.output
    assert session.exec(select(func.count()).select_from(Council)).one() == 1
    meetings = session.exec(select(Meeting).order_by(Meeting.number)).all()
    # Two held, the next one, one called off, then the cadence's next five (six ahead with the next one).
    assert [m.status for m in meetings] == ["held", "held", "scheduled", "cancelled"] + ["scheduled"] * 5
    assert [m.series_id is not None for m in meetings] == [False, False, True, False] + [True] * 5
    assert "storm" in meetings[3].cancel_reason
    statuses = {a.status for a in session.exec(select(Action))}
    assert {"open", "in_progress", "blocked", "done"} <= statuses


def test_create_admin_from_environment(env, monkeypatch, session):
    monkeypatch.setenv("COUNCIL_ADMIN_PASSWORD", "a-strong-password")
    result = runner.invoke(cli, ["create-admin", "Root@Example.com", "--name", "Root"])
    assert result.exit_code == 0, result.output
    admin = session.exec(select(User).where(User.email == "root@example.com")).one()
    assert admin.is_site_admin
    again = runner.invoke(cli, ["create-admin", "root@example.com"])
    assert again.exit_code == 1 and "already exists" in again.output
    monkeypatch.setenv("COUNCIL_ADMIN_PASSWORD", "short")
    weak = runner.invoke(cli, ["create-admin", "other@example.com"])
    assert weak.exit_code == 2 and "password" in weak.output


def test_create_admin_asks_for_the_password(env, session):
    result = runner.invoke(cli, ["create-admin", "asked@example.com"], input="a-strong-password\na-strong-password\n")
    # CliRunner's stdin is not a terminal, so the command says how to give it instead.
    assert result.exit_code == 2
    assert "COUNCIL_ADMIN_PASSWORD" in result.output


def test_a_database_behind_on_migrations_gets_a_clear_message(monkeypatch, empty_db_url):
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    monkeypatch.setenv("ENVIRONMENT", "development")
    result = runner.invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "council db upgrade" in result.output
    assert "Traceback" not in result.output
    upgraded = runner.invoke(cli, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    current = runner.invoke(cli, ["db", "current"])
    assert "database: empty" not in current.output
    database, code = current.output.split("code:")
    assert database.split(":")[1].strip() == code.strip()


def test_default_secret_is_refused_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    result = runner.invoke(cli, ["db", "current"])
    assert result.exit_code == 2
    assert "SECRET_KEY" in result.output


def test_serve_can_migrate_and_load_the_demo_first_in_one_process(monkeypatch, empty_db_url):
    """`make run`: `council serve --upgrade --demo-if-empty` on an empty database, then again on the loaded one."""
    import uvicorn

    served = []
    monkeypatch.setattr(
        uvicorn, "run", lambda *args, **kwargs: served.append((kwargs["port"], os.environ.get("JOBS_RUN_IN")))
    )
    monkeypatch.delenv("JOBS_RUN_IN", raising=False)
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    monkeypatch.setenv("ENVIRONMENT", "development")
    first = runner.invoke(cli, ["serve", "--port", "8123", "--upgrade", "--demo-if-empty"])
    assert first.exit_code == 0, first.output
    said = [line for line in first.output.splitlines() if line.startswith("==> ")]
    assert said == [
        "==> migrating the database",
        "==> loading the demo council (when the database has none)",
        "==> starting the server",
    ]
    assert "Loaded demo council" in first.output
    assert "chair@example.com" in first.output
    again = runner.invoke(cli, ["serve", "--port", "8123", "--upgrade", "--demo-if-empty"])
    assert again.exit_code == 0, again.output
    assert "demo not loaded" in again.output
    # Each worker runs its jobs in a job process of its own (set for the workers uvicorn starts).
    assert served == [(8123, "process"), (8123, "process")]


def test_serve_gives_its_workers_a_private_folder_to_share_agendas_in_for_its_lifetime(monkeypatch, env):
    """More than one worker: built agendas are shared in a folder of the server's own (app/agendas/cache.py
    AgendaFiles), removed when it stops; one worker, or AGENDA_SHARE_DIR set (empty: none), is left as it is."""
    import stat

    import uvicorn

    from app import cli as cli_module

    seen = []

    def run(*args, **kwargs):
        folder = os.environ.get("AGENDA_SHARE_DIR")
        mode = stat.S_IMODE(os.stat(folder).st_mode) if folder else None
        seen.append((kwargs["workers"], folder, mode))

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(cli_module, "check_schema", lambda: None)
    monkeypatch.delenv("AGENDA_SHARE_DIR", raising=False)
    assert runner.invoke(cli, ["serve", "--workers", "2"]).exit_code == 0
    assert runner.invoke(cli, ["serve"]).exit_code == 0
    monkeypatch.setenv("AGENDA_SHARE_DIR", "")
    assert runner.invoke(cli, ["serve", "--workers", "2"]).exit_code == 0
    (workers, folder, mode), *rest = seen
    assert workers == 2 and folder and mode == 0o700
    assert not os.path.exists(folder)  # removed once the server stopped
    assert rest == [(1, None, None), (2, "", None)]
    monkeypatch.delenv("AGENDA_SHARE_DIR")
    assert "AGENDA_SHARE_DIR" not in os.environ
