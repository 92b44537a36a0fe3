"""b7c41d2e9a10 adds councils.members_raise_actions (off for every council) and action_updates.is_comment
(no existing history row is a comment); going back keeps the councils, actions and their history."""

from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine
from tests.databases import alembic_config

BEFORE, REVISION = "5c4e1d2a7b90", "b7c41d2e9a10"
NOW = "2026-01-01 10:00:00"


def test_actionlog_migration_keeps_councils_and_history_both_ways(empty_db_url):
    config = alembic_config(url=empty_db_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            for statement in (
                "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
                f"VALUES (1, 'a@example.com', 'A', 'x', true, false, '{NOW}')",
                "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
                f"VALUES (1, 'C', '', 'Europe/London', 2, '{NOW}', '{NOW}')",
                "INSERT INTO memberships (id, council_id, user_id, role, created_at) "
                f"VALUES (1, 1, 1, 'chair', '{NOW}')",
                "INSERT INTO actions (id, council_id, title, description, owner_id, due_on, status, version, "
                "created_at, updated_at) "
                f"VALUES (1, 1, 'Old action', '', 1, '2026-02-01', 'open', 3, '{NOW}', '{NOW}')",
                "INSERT INTO action_updates (id, action_id, user_id, created_at, changes, note) "
                f"VALUES (1, 1, 1, '{NOW}', '{{}}', 'old note')",
            ):
                conn.execute(text(statement))
        command.upgrade(config, REVISION)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT name, version, members_raise_actions FROM councils")).one() == (
                "C",
                2,
                False,
            )
            assert conn.execute(text("SELECT note, is_comment FROM action_updates")).one() == ("old note", False)
            conn.execute(
                text(
                    "INSERT INTO action_updates (id, action_id, user_id, created_at, changes, note, is_comment) "
                    f"VALUES (2, 1, 1, '{NOW}', '{{}}', 'a comment', true)"
                )
            )
            conn.execute(text("UPDATE councils SET members_raise_actions = true"))

        command.downgrade(config, BEFORE)
        assert "is_comment" not in {c["name"] for c in inspect(engine).get_columns("action_updates")}
        assert "members_raise_actions" not in {c["name"] for c in inspect(engine).get_columns("councils")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name, version FROM councils")).one() == ("C", 2)
            assert conn.execute(text("SELECT title, version FROM actions")).one() == ("Old action", 3)
            # The comment stays in the history, as a note.
            assert conn.execute(text("SELECT note FROM action_updates ORDER BY id")).all() == [
                ("old note",),
                ("a comment",),
            ]
        command.upgrade(config, REVISION)
        with engine.connect() as conn:
            assert not conn.execute(text("SELECT members_raise_actions FROM councils")).scalar_one()
    finally:
        engine.dispose()
