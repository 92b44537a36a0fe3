"""`council db backup` while the server takes writes, and `council db restore` into a fresh database:
every write acknowledged before the backup began is there, the counts and checksums are checked,
and the restored database migrates and serves."""

import re
import threading
import time
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from app.backup import manifest_path, read_manifest
from app.cli import app as cli
from app.db import make_engine
from app.main import create_app
from app.migrate import revisions
from app.models import Action
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_council, make_membership, make_user
from tests.helpers import access_token

runner = CliRunner()


def council_cli(monkeypatch, db_url: str, *args: str):
    """`council …` against `db_url`, in process, as an operator runs it."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    from app.config import get_settings

    get_settings.cache_clear()
    return runner.invoke(cli, list(args))


class Writer(threading.Thread):
    """Creates actions over HTTP as fast as the server answers; remembers each acknowledged id and when."""

    def __init__(self, base: str, council_id: int, owner_id: int, token: str) -> None:
        super().__init__(daemon=True)
        self.base, self.council_id, self.owner_id, self.token = base, council_id, owner_id, token
        self.acknowledged: list[tuple[float, int]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        due = (date.today() + timedelta(days=30)).isoformat()
        with httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.token}"}, timeout=30) as http:
            n = 0
            while not self.stop.is_set():
                n += 1
                body = {"title": f"Write {n}", "owner_id": self.owner_id, "due_on": due}
                response = http.post(f"/api/councils/{self.council_id}/actions", json=body)
                if response.status_code == 201:
                    self.acknowledged.append((time.monotonic(), response.json()["id"]))
                else:
                    self.failures.append(f"{response.status_code} {response.text[:200]}")

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} writes: {self.failures[:3]}"
            assert self.is_alive(), self.failures[:3]
            time.sleep(0.02)


def back_up_under_writes(monkeypatch, session, settings, live_server, db_url, backup_file, *extra: str):
    """A council, a writer hammering it, a backup in the middle; (acknowledged before the backup, writer)."""
    chair = make_user(session)
    council = make_council(session, chair=chair, name="Northern Utilities")
    owner = make_membership(session, council=council)
    session.commit()
    writer = Writer(live_server, council.id, owner.id, access_token(user=chair, settings=settings))
    writer.start()
    try:
        writer.wait_for(15)
        started = time.monotonic()
        before = {action_id for at, action_id in writer.acknowledged if at < started}
        result = council_cli(monkeypatch, db_url, "db", "backup", str(backup_file), *extra)
        assert result.exit_code == 0, result.output
        writer.wait_for(len(writer.acknowledged) + 5)  # the server kept writing after the backup
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.failures == []
    return council, chair, before, writer, result


def check_restored(monkeypatch, target_url, backup_file, council, chair, before, writer) -> None:
    result = council_cli(monkeypatch, target_url, "db", "restore", str(backup_file))
    assert result.exit_code == 0, result.output
    assert "MISMATCH" not in result.output and "Restored and verified" in result.output
    manifest = read_manifest(backup_file)
    rows = manifest["tables"]["actions"]["rows"]
    assert re.search(rf"^actions +{rows} +OK$", result.output, re.MULTILINE), result.output

    engine = make_engine(target_url)
    try:
        current, head = revisions(engine, target_url)
        assert current == head
        with Session(engine) as restored:
            ids = set(restored.exec(select(Action.id).where(Action.council_id == council.id)).all())
    finally:
        engine.dispose()
    assert before <= ids, f"acknowledged before the backup but lost: {sorted(before - ids)[:10]}"
    assert len(ids) == manifest["tables"]["actions"]["rows"]
    assert len(ids) < len(writer.acknowledged), "writes after the backup began are not all in it"

    from app.config import Settings

    application = create_app(
        Settings(_env_file=None, ENVIRONMENT="test", DATABASE_URL=target_url, SECRET_KEY=TEST_SECRET_KEY)
    )
    try:
        with TestClient(application) as client:
            token = access_token(user=chair, settings=application.state.settings)
            headers = {"Authorization": f"Bearer {token}"}
            listed = client.get(f"/api/councils/{council.id}/actions", headers=headers)
            assert listed.status_code == 200 and listed.json()["count"] == len(ids)
            due = (date.today() + timedelta(days=7)).isoformat()
            owner_id = listed.json()["data"][0]["owner_id"]
            created = client.post(
                f"/api/councils/{council.id}/actions",
                headers=headers,
                json={"title": "After the restore", "owner_id": owner_id, "due_on": due},
            )
            assert created.status_code == 201, created.text  # ids carry on past the restored ones
            assert created.json()["id"] > max(ids)
    finally:
        application.state.engine.dispose()


def test_backup_of_a_live_server_under_writes_restores_every_acknowledged_write(
    monkeypatch, session, settings, live_server, db_url, make_database, tmp_path
):
    backup_file = tmp_path / "backups" / "council.backup"
    council, chair, before, writer, result = back_up_under_writes(
        monkeypatch, session, settings, live_server, db_url, backup_file
    )
    manifest = read_manifest(backup_file)
    assert manifest["format"] == ("sqlite" if db_url.startswith("sqlite") else "pg_dump")
    assert "actions" in result.output and manifest_path(backup_file).exists()

    target_url = make_database(migrated=False)
    check_restored(monkeypatch, target_url, backup_file, council, chair, before, writer)

    # A second restore over it is refused, and nothing changes; --force replaces it.
    again = council_cli(monkeypatch, target_url, "db", "restore", str(backup_file))
    assert again.exit_code == 3 and "not empty" in again.output
    forced = council_cli(monkeypatch, target_url, "db", "restore", "--force", str(backup_file))
    assert forced.exit_code == 0, forced.output


@pytest.mark.parametrize("db_backend", ["postgresql"])
def test_a_portable_backup_of_postgresql_uses_the_verified_copy_and_restores_under_writes(
    monkeypatch, session, settings, live_server, db_url, make_database, tmp_path
):
    backup_file = tmp_path / "council.portable"
    council, chair, before, writer, _ = back_up_under_writes(
        monkeypatch, session, settings, live_server, db_url, backup_file, "--portable"
    )
    assert read_manifest(backup_file)["format"] == "sqlite"
    check_restored(monkeypatch, make_database(migrated=False), backup_file, council, chair, before, writer)


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(
    monkeypatch, session, db_url, make_database, tmp_path
):
    chair = make_user(session)
    make_council(session, chair=chair)
    session.commit()
    backup_file = tmp_path / "council.backup"
    assert council_cli(monkeypatch, db_url, "db", "backup", str(backup_file)).exit_code == 0
    again = council_cli(monkeypatch, db_url, "db", "backup", str(backup_file))
    assert again.exit_code == 3 and "already exists" in again.output  # never overwrites a backup

    with backup_file.open("ab") as damaged:
        damaged.write(b"\0")
    target_url = make_database(migrated=True)
    refused = council_cli(monkeypatch, target_url, "db", "restore", str(backup_file))
    assert refused.exit_code == 3 and "does not match its manifest" in refused.output
    engine = make_engine(target_url)
    try:
        with Session(engine) as target:
            assert target.exec(select(Action)).first() is None
            from app.models import User

            assert target.exec(select(User)).first() is None, "nothing was restored"
    finally:
        engine.dispose()
