"""a3d9e51c7b20 adds action_due_requests (owners' due-date moves waiting for the chair); existing councils,
actions and their history are kept both ways, and a request written after upgrading goes with the table."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import ACTION, ACTION_NOTE, NOW, USER, execute, roundtrip, seat

BEFORE, REVISION = "f8d7017b77c5", "a3d9e51c7b20"


def _seed(engine) -> None:
    execute(
        engine,
        USER,
        "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at, "
        "due_moves_need_approval) "
        f"VALUES (1, 'C', '', 'Europe/London', 2, '{NOW}', '{NOW}', true)",
        seat("member"),
        ACTION,
        ACTION_NOTE,
    )


def _upgraded(engine) -> None:
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


def _downgraded(engine) -> None:
    assert "action_due_requests" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, version, due_moves_need_approval FROM councils")).one() == (
            "C",
            2,
            True,
        )
        assert conn.execute(text("SELECT title, due_on, version FROM actions")).one()[::2] == ("Old action", 3)
        assert conn.execute(text("SELECT note FROM action_updates")).all() == [("old note",)]


def _again(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM action_due_requests")).scalar_one() == 0


def test_due_requests_migration_keeps_actions_and_history_both_ways(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=_seed,
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_again,
    )
