"""a3d9e51c7b20 adds action_due_requests (owners' due-date moves waiting for the chair); existing councils,
actions and their history are kept both ways, and a request written after upgrading goes with the table."""

from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine
from tests.databases import alembic_config

BEFORE, REVISION = "f8d7017b77c5", "a3d9e51c7b20"
NOW = "2026-01-01 10:00:00"


def test_due_requests_migration_keeps_actions_and_history_both_ways(empty_db_url):
    config = alembic_config(url=empty_db_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
                f"VALUES (1, 'a@example.com', 'A', 'x', true, false, '{NOW}')",
                "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at, "
                "due_moves_need_approval) "
                f"VALUES (1, 'C', '', 'Europe/London', 2, '{NOW}', '{NOW}', true)",
                "INSERT INTO memberships (id, council_id, user_id, role, created_at) "
                f"VALUES (1, 1, 1, 'member', '{NOW}')",
                "INSERT INTO actions (id, council_id, title, description, owner_id, due_on, status, version, "
                "created_at, updated_at) "
                f"VALUES (1, 1, 'Old action', '', 1, '2026-02-01', 'open', 3, '{NOW}', '{NOW}')",
                "INSERT INTO action_updates (id, action_id, user_id, created_at, changes, note) "
                f"VALUES (1, 1, 1, '{NOW}', '{{}}', 'old note')",
            ):
                conn.execute(text(statement))
        command.upgrade(config, REVISION)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM action_due_requests")).scalar_one() == 0
            conn.execute(
                text(
                    "INSERT INTO action_due_requests (id, council_id, action_id, requested_by_id, from_date, to_date, "
                    "reason, status, note, created_at) "
                    f"VALUES (1, 1, 1, 1, '2026-02-01', '2026-02-15', 'Supplier late', 'pending', '', '{NOW}')"
                )
            )
            assert conn.execute(text("SELECT to_date, status FROM action_due_requests")).one()[1] == "pending"

        command.downgrade(config, BEFORE)
        assert "action_due_requests" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name, version, due_moves_need_approval FROM councils")).one() == (
                "C",
                2,
                True,
            )
            assert conn.execute(text("SELECT title, due_on, version FROM actions")).one()[::2] == ("Old action", 3)
            assert conn.execute(text("SELECT note FROM action_updates")).all() == [("old note",)]
        command.upgrade(config, REVISION)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM action_due_requests")).scalar_one() == 0
    finally:
        engine.dispose()
