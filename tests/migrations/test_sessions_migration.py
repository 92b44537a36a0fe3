"""af1ffcbe5ba0 (user_sessions) keeps every account going up and coming back down, on both engines."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import NOW, USER, execute, roundtrip

BEFORE, SESSIONS = "2f839f1a814e", "af1ffcbe5ba0"


def _upgraded(engine) -> None:
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


def _downgraded(engine) -> None:
    assert "user_sessions" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM users")).all() == [("a@example.com",)]


def _again(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM users")).all() == [("a@example.com",)]
        assert conn.execute(text("SELECT count(*) FROM user_sessions")).scalar() == 0


def test_sessions_migration_keeps_accounts_and_undoes_cleanly(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=SESSIONS,
        seed=lambda engine: execute(engine, USER),
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_again,
        again_to="head",
    )
