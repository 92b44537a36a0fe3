"""a7c3e5f9b2d1: the jobs table added (empty: what was published before was mailed then) and dropped, data kept."""

import json

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, AFTER = "e3b8f1a6c2d4", "a7c3e5f9b2d1"
JOB = (
    "INSERT INTO jobs (kind, key, council_id, payload, status, created_at) "
    f"VALUES ('agenda_mail', :key, 1, :payload, 'queued', '{NOW}')"
)


def _seed(engine) -> None:
    execute(engine, COUNCIL)


def _councils(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, name FROM councils")).all()


def _upgraded(engine) -> None:
    assert _councils(engine) == [(1, "C")]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 0
    payload = json.dumps({"meeting_id": 1, "version": 1})
    execute(engine, JOB, key="agenda-mail:1:v1", payload=payload)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT status, attempts, last_error, lease_until FROM jobs")).one()
    assert tuple(row) == ("queued", 0, "", None)
    with pytest.raises(IntegrityError):  # one job per key
        execute(engine, JOB, key="agenda-mail:1:v1", payload=payload)


def _downgraded(engine) -> None:
    assert "jobs" not in inspect(engine).get_table_names()
    assert _councils(engine) == [(1, "C")]


def test_jobs_table_added_and_dropped(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=AFTER, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
