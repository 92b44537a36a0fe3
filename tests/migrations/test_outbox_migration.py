"""f8d7017b77c5: the outbox, notification preferences and the councils' notification settings.

Existing councils get the defaults; the outbox keeps one row per dedupe key; downgrading
drops only what this revision added and keeps the councils and their people.
"""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.helpers import NOW, execute, roundtrip

BEFORE, AFTER = "a75e3c0d1b42", "f8d7017b77c5"


def _outbox_row(conn, n: int, dedupe: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO outbox (kind, council_id, user_id, recipient, subject, message_id, body, dedupe_key, status, "
            "attempts, next_attempt_at, last_error, created_at) VALUES ('action_digest', 1, 1, 'a@example.com', 'S', "
            f":mid, :body, :dedupe, 'queued', 0, '{NOW}', '', '{NOW}')"
        ),
        {"mid": f"m{n}@example.com", "body": b"Subject: S\r\n\r\nBody\r\n", "dedupe": dedupe},
    )


def _seed(engine) -> None:
    execute(
        engine,
        "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, can_create_councils, "
        f"created_at) VALUES (1, 'a@example.com', 'A', 'x', :yes, :no, :no, '{NOW}')",
        yes=True,
        no=False,
    )
    execute(
        engine,
        "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
        f"VALUES (1, 'Water', '', 'Europe/London', 1, '{NOW}', '{NOW}')",
    )


def _upgraded(engine) -> None:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT pack_attach_limit_kb, report_reminder_days, due_moves_need_approval, "
                "correction_window_days FROM councils WHERE id = 1"
            )
        ).one()
        assert (row[0], row[1], bool(row[2]), row[3]) == (5120, 7, False, 5)
        _outbox_row(conn, 1, "digest:1:2026-01-01")
        _outbox_row(conn, 2, None)
        _outbox_row(conn, 3, None)  # many rows without a key
        conn.execute(
            text(
                "INSERT INTO notification_preferences (user_id, council_id, kind, enabled, updated_at) "
                f"VALUES (1, 1, 'report_due', :no, '{NOW}')"
            ),
            {"no": False},
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _outbox_row(conn, 4, "digest:1:2026-01-01")  # the once-a-day key decides
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 3


def _downgraded(engine) -> None:
    tables = inspect(engine).get_table_names()
    assert "outbox" not in tables and "notification_preferences" not in tables
    assert "pack_attach_limit_kb" not in {c["name"] for c in inspect(engine).get_columns("councils")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM councils")).scalar() == "Water"
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1


def test_councils_get_the_defaults_and_downgrade_keeps_them(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=AFTER, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
