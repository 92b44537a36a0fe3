"""af1ffcbe5ba0 (user_sessions) keeps every account going up and coming back down, on both engines."""

from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine
from tests.databases import alembic_config

BEFORE, SESSIONS = "2f839f1a814e", "af1ffcbe5ba0"
NOW = "2026-01-01 10:00:00"


def test_sessions_migration_keeps_accounts_and_undoes_cleanly(empty_db_url):
    config = alembic_config(url=empty_db_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
                    f"VALUES (1, 'a@example.com', 'A', 'x', true, false, '{NOW}')"
                )
            )
        command.upgrade(config, SESSIONS)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO user_sessions (user_id, token_hash, kind, user_agent, created_at, last_seen_at, "
                    f"expires_at) VALUES (1, '{'a' * 64}', 'browser', 'Firefox', '{NOW}', '{NOW}', '{NOW}')"
                )
            )
            assert conn.execute(text("SELECT count(*) FROM user_sessions WHERE revoked_at IS NULL")).scalar() == 1
        unique = [ix for ix in inspect(engine).get_indexes("user_sessions") if ix["column_names"] == ["token_hash"]]
        assert unique and unique[0]["unique"]

        command.downgrade(config, BEFORE)
        assert "user_sessions" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM users")).all() == [("a@example.com",)]

        command.upgrade(config, "head")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM users")).all() == [("a@example.com",)]
            assert conn.execute(text("SELECT count(*) FROM user_sessions")).scalar() == 0
    finally:
        engine.dispose()
