"""`council db copy`: an embedded (SQLite) instance moved to PostgreSQL, verified, and never over another."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import Settings
from app.copy import redacted, verify
from app.db import make_engine
from app.demo.council import load_demo
from app.main import create_app
from app.models import Action, Council, Meeting, Membership, Role, SiteIdentity, User
from tests.conftest import TEST_SECRET_KEY
from tests.helpers import access_token

runner = CliRunner()

# The source is always SQLite and the target always PostgreSQL: without PostgreSQL these
# fail in CI (through the pg_cluster fixture), as every PostgreSQL test does.
pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])


@pytest.fixture
def source_url(sqlite_databases, tmp_path) -> str:
    url = sqlite_databases.create(tmp_path / "embedded.db")
    engine = make_engine(url)
    with Session(engine) as session:
        load_demo(session=session, today=date(2026, 3, 2))
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def env(monkeypatch, source_url):
    monkeypatch.setenv("DATABASE_URL", source_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    return source_url


def with_password(url: str) -> str:
    # The test cluster trusts local connections, so any password works; it must never be printed.
    return url.replace("postgresql+psycopg://app@", "postgresql+psycopg://app:s3cret-pw@")


def test_copy_to_postgresql_verifies_and_the_app_runs_on_the_target(env, source_url, make_database):
    target_url = with_password(make_database(migrated=False))
    result = runner.invoke(cli, ["db", "copy", "--to", target_url])
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output
    assert redacted(target_url) in result.output
    assert "MISMATCH" not in result.output
    assert "actions" in result.output and "OK" in result.output

    source, target = make_engine(source_url), make_engine(target_url)
    try:
        checks = verify(source, target)
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
        counts = {c.table: c.target_rows for c in checks}
        assert counts["actions"] > 0 and counts["readings"] > 0 and counts["memberships"] > 0
        with Session(target) as session:
            council = session.exec(select(Council)).one()
            chair_seat = session.exec(select(Membership).where(Membership.role == Role.chair.value)).first()
            chair = session.get(User, chair_seat.user_id)
            meeting = session.exec(select(Meeting).order_by(Meeting.number.desc())).first()
            highest_action = session.exec(select(func.max(Action.id))).one()
    finally:
        source.dispose()
        target.dispose()

    settings = Settings(
        _env_file=None, ENVIRONMENT="test", DATABASE_URL=target_url, SECRET_KEY=TEST_SECRET_KEY, COOKIE_SECURE=False
    )
    application = create_app(settings)
    try:
        with TestClient(application) as client:
            headers = {"Authorization": f"Bearer {access_token(user=chair, settings=settings)}"}
            agenda = client.get(f"/api/meetings/{meeting.id}/agenda", headers=headers)
            assert agenda.status_code == 200, agenda.text
            # The sequences continue after the copied ids.
            created = client.post(
                f"/api/councils/{council.id}/actions",
                headers=headers,
                json={
                    "title": "First action after the move",
                    "owner_id": chair_seat.id,
                    "due_on": (date.today() + timedelta(days=7)).isoformat(),
                },
            )
            assert created.status_code == 201, created.text
            assert created.json()["id"] == highest_action + 1
    finally:
        application.state.engine.dispose()

    again = runner.invoke(cli, ["db", "copy", "--to", target_url])
    assert again.exit_code == 3, again.output
    assert "not empty" in again.output
    assert "Traceback" not in again.output and "s3cret-pw" not in again.output


def test_copy_into_a_migrated_empty_target_is_allowed(env, make_database):
    result = runner.invoke(cli, ["db", "copy", "--to", make_database(migrated=True)])
    assert result.exit_code == 0, result.output


def test_copy_refuses_a_target_at_another_revision(env, make_database):
    target_url = make_database(migrated=False)
    engine = make_engine(target_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO alembic_version VALUES ('someotherrev')")
    engine.dispose()
    result = runner.invoke(cli, ["db", "copy", "--from", env, "--to", target_url])
    assert result.exit_code == 3, result.output
    assert "revision someotherrev" in result.output
    assert "Traceback" not in result.output


def test_copy_refuses_a_source_behind_on_migrations(tmp_path, make_database, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    stale = f"sqlite:///{tmp_path / 'never-migrated.db'}"
    result = runner.invoke(cli, ["db", "copy", "--from", stale, "--to", make_database(migrated=False)])
    assert result.exit_code == 3, result.output
    assert "council db upgrade" in result.output


def test_a_checksum_mismatch_is_reported_and_exits_1(env, make_database, monkeypatch):
    import app.copy

    real_verify = app.copy.verify

    def tampered(source, target):
        checks = real_verify(source, target)
        checks[0].target_sum = "0" * 64
        return checks

    monkeypatch.setattr(app.copy, "verify", tampered)
    result = runner.invoke(cli, ["db", "copy", "--to", make_database(migrated=False)])
    assert result.exit_code == 1, result.output
    assert "MISMATCH" in result.output and "Verification failed" in result.output


def test_the_copy_keeps_the_calendar_uid_namespace(env, source_url, make_database):
    """Calendars hold UIDs minted from the source's namespace: the copy must mint the same ones."""
    target_url = make_database(migrated=False)
    assert runner.invoke(cli, ["db", "copy", "--to", target_url]).exit_code == 0
    namespaces = []
    for url in (source_url, target_url):
        engine = make_engine(url)
        with Session(engine) as session:
            namespaces.append(session.exec(select(SiteIdentity.namespace)).all())
        engine.dispose()
    assert namespaces[0] == namespaces[1] and len(namespaces[0]) == 1
