"""c5f1a2d8e4b6 adds actions.closed_on and fills it for every closed action with the day closed_at fell on in its
council's time zone (which may not be UTC's day); open actions stay without one, and downgrading keeps the actions."""

from datetime import date

from sqlalchemy import inspect, text

from tests.migrations.helpers import NOW, USER, execute, roundtrip

BEFORE, REVISION = "5d2f8a91c6e4", "c5f1a2d8e4b6"


def _council(council_id: int, timezone: str) -> str:
    return (
        "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
        f"VALUES ({council_id}, 'C{council_id}', '', '{timezone}', 1, '{NOW}', '{NOW}')"
    )


def _seat(council_id: int) -> str:
    return (
        "INSERT INTO memberships (id, council_id, user_id, role, created_at) "
        f"VALUES ({council_id}, {council_id}, 1, 'chair', '{NOW}')"
    )


def _action(action_id: int, council_id: int, status: str, closed_at: str | None) -> str:
    closed = "NULL" if closed_at is None else f"'{closed_at}'"
    return (
        "INSERT INTO actions (id, council_id, title, description, owner_id, due_on, status, version, closed_at, "
        f"created_at, updated_at) VALUES ({action_id}, {council_id}, 'A{action_id}', '', {council_id}, "
        f"'2026-03-01', '{status}', 2, {closed}, '{NOW}', '{NOW}')"
    )


def _seed(engine) -> None:
    execute(
        engine,
        USER,
        _council(1, "Asia/Tokyo"),
        _council(2, "America/New_York"),
        *(_seat(c) for c in (1, 2)),
        _action(1, 1, "done", "2026-03-01 23:30:00"),  # 08:30 on 2 March in Tokyo
        _action(2, 2, "cancelled", "2026-03-02 02:00:00"),  # 21:00 on 1 March in New York
        _action(3, 2, "done", "2026-03-02 15:00:00"),  # the same day in both
        _action(4, 1, "open", None),
    )


def _closed_on(engine) -> dict[int, date | None]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, closed_on FROM actions ORDER BY id")).all()
    # SQLite answers text through a raw query.
    return {i: date.fromisoformat(d) if isinstance(d, str) else d for i, d in rows}


def _upgraded(engine) -> None:
    assert _closed_on(engine) == {1: date(2026, 3, 2), 2: date(2026, 3, 1), 3: date(2026, 3, 2), 4: None}


def _downgraded(engine) -> None:
    assert "closed_on" not in {c["name"] for c in inspect(engine).get_columns("actions")}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, title, status, version FROM actions ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        (1, "A1", "done", 2),
        (2, "A2", "cancelled", 2),
        (3, "A3", "done", 2),
        (4, "A4", "open", 2),
    ]


def test_closed_on_is_backfilled_in_each_councils_calendar_and_dropped_on_the_way_down(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=_seed,
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_upgraded,
    )
