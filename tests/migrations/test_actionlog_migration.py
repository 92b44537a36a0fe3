"""b7c41d2e9a10 adds councils.members_raise_actions (off for every council) and action_updates.is_comment
(no existing history row is a comment); going back keeps the councils, actions and their history."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import ACTION, ACTION_NOTE, NOW, USER, execute, roundtrip, seat

BEFORE, REVISION = "5c4e1d2a7b90", "b7c41d2e9a10"


def _seed(engine) -> None:
    execute(
        engine,
        USER,
        "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
        f"VALUES (1, 'C', '', 'Europe/London', 2, '{NOW}', '{NOW}')",
        seat("chair"),
        ACTION,
        ACTION_NOTE,
    )


def _upgraded(engine) -> None:
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


def _downgraded(engine) -> None:
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


def _again(engine) -> None:
    with engine.connect() as conn:
        assert not conn.execute(text("SELECT members_raise_actions FROM councils")).scalar_one()


def test_actionlog_migration_keeps_councils_and_history_both_ways(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=_seed,
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_again,
    )
