"""Crash safety: `kill -9` of the real server during a burst of writes loses no acknowledged write.

The server runs as `council serve` in a subprocess, on SQLite and on PostgreSQL. Every write
that got a 2xx must be in the database after the crash, the database must pass its integrity
checks, and the server must start again on it. Also: a database behind on migrations stops
`council serve` with a clear message, not a traceback.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import date, timedelta

import httpx
from sqlalchemy import text
from sqlmodel import select

from app.models import Action, ActionEvent, Role, metadata
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_council, make_membership, make_user
from tests.helpers import access_token
from tests.pg import free_port
from tests.serve import COUNCIL, council_serve, server_env

WRITERS = 6
# Enough acknowledged writes that the kill lands mid-burst, few enough to stay quick.
ACKS_BEFORE_KILL = 30


def arrange(session):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    owner = make_membership(session, council=council, role=Role.member)
    session.commit()
    return chair, council, owner


def integrity_problems(db_url: str, engine) -> list[str]:
    """Everything wrong with the database's structure and references; empty when sound."""
    problems: list[str] = []
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems.append(f"integrity_check: {result}")
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                problems.append(f"foreign_key_check: {broken[:5]}")
        conn.close()
        return problems
    with engine.begin() as conn:
        # Every btree index agrees with its table (amcheck ships with PostgreSQL's contrib).
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
        indexes = conn.execute(
            text(
                "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam "
                "WHERE n.nspname = 'public' AND a.amname = 'btree'"
            )
        ).scalars()
        for index in indexes:
            conn.execute(text("SELECT bt_index_check(CAST(:index AS regclass), true)"), {"index": index})
    with engine.connect() as conn:
        # No row points at nothing (PostgreSQL enforces it; this proves it held).
        for table in metadata.sorted_tables:
            for fk in table.foreign_key_constraints:
                parent = fk.referred_table
                on = " AND ".join(f'p."{e.column.name}" = c."{e.parent.name}"' for e in fk.elements)
                present = " AND ".join(f'c."{e.parent.name}" IS NOT NULL' for e in fk.elements)
                orphans = conn.execute(
                    text(
                        f'SELECT count(*) FROM "{table.name}" c WHERE {present} AND NOT EXISTS '
                        f'(SELECT 1 FROM "{parent.name}" p WHERE {on})'
                    )
                ).scalar()
                if orphans:
                    problems.append(f"{table.name} → {parent.name}: {orphans} orphan(s)")
    return problems


def _group_left(group: int, wait: float = 30) -> bool:
    """Whether a process of the group is still there after `wait` seconds (the server ran in a session of its own)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def test_kill_9_during_a_burst_of_writes_loses_no_acknowledged_write(db_url, engine, session, tmp_path):
    chair, council, owner = arrange(session)
    headers = {"Authorization": f"Bearer {access_token(user=chair, settings=_settings(db_url))}"}
    acknowledged_actions: list[str] = []
    acknowledged_notes: list[tuple[int, str]] = []
    stop = threading.Event()
    started = threading.Barrier(WRITERS + 1)

    with council_serve(db_url, tmp_path) as (process, base):

        def write(n: int) -> None:
            started.wait()
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                k = 0
                while not stop.is_set():
                    k += 1
                    title = f"writer {n} action {k}"
                    try:
                        created = client.post(
                            f"/api/councils/{council.id}/actions",
                            json={
                                "title": title,
                                "owner_id": owner.id,
                                "due_on": (date.today() + timedelta(days=14)).isoformat(),
                            },
                        )
                        if created.status_code != 201:
                            continue
                        acknowledged_actions.append(title)
                        action = created.json()
                        note = f"note on {title}"
                        patched = client.patch(
                            f"/api/actions/{action['id']}",
                            headers={"If-Match": created.headers["ETag"]},
                            json={"note": note, "percent_complete": k % 101},
                        )
                        if 200 <= patched.status_code < 300:
                            acknowledged_notes.append((action["id"], note))
                    except httpx.TransportError:
                        return  # the server is gone

        threads = [threading.Thread(target=write, args=(n,), daemon=True) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        started.wait()
        # Kill once the burst is well under way, mid-request.
        deadline = time.monotonic() + 10
        while len(acknowledged_actions) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        assert not any(t.is_alive() for t in threads)
        # Nothing of the killed server lingers: its job process ends with it (app/jobs.py _end_with_parent).
        assert not _group_left(process.pid), "the killed server's job process is still running"

    assert len(acknowledged_actions) >= ACKS_BEFORE_KILL, "the burst never got going"
    titles = set(session.exec(select(Action.title).where(Action.council_id == council.id)).all())
    missing = [t for t in acknowledged_actions if t not in titles]
    assert not missing, f"{len(missing)} acknowledged action(s) lost: {missing[:5]}"
    notes = set(session.exec(select(ActionEvent.action_id, ActionEvent.note)).all())
    lost_notes = [n for n in acknowledged_notes if n not in notes]
    assert not lost_notes, f"{len(lost_notes)} acknowledged update(s) lost: {lost_notes[:5]}"
    session.close()
    assert integrity_problems(db_url, engine) == []

    # The server starts again on the database it crashed on, and serves what was written.
    with council_serve(db_url, tmp_path) as (_process, base):
        listed = httpx.get(f"{base}/api/councils/{council.id}/actions", headers=headers, timeout=10)
        assert listed.status_code == 200, listed.text
        assert {a["title"] for a in listed.json()["data"]} >= set(acknowledged_actions)


def _settings(db_url: str):
    from app.config import Settings

    return Settings(_env_file=None, ENVIRONMENT="test", DATABASE_URL=db_url, SECRET_KEY=TEST_SECRET_KEY)


def test_serve_on_a_database_behind_on_migrations_exits_with_a_message(empty_db_url, tmp_path):
    result = subprocess.run(
        [COUNCIL, "serve", "--port", str(free_port())],
        env=server_env(empty_db_url),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "council db upgrade" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
