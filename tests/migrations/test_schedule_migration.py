"""5c4e1d2a7b90 gives meetings a cancellation reason and time, keeps every meeting, and undoes cleanly."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, REVISION = "5e71e5c0a1d3", "5c4e1d2a7b90"
CHANGED = "2026-01-02 09:30:00"


def _seed(engine) -> None:
    execute(
        engine,
        COUNCIL,
        *(
            "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, "
            f"location, status, version, created_at, updated_at) VALUES ({number}, 1, {number}, "
            f"'Meeting {number}', '{NOW}', 120, 'Leeds', '{status}', 2, '{NOW}', '{CHANGED}')"
            for number, status in ((1, "held"), (2, "cancelled"), (3, "scheduled"))
        ),
    )


def _upgraded(engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT number, title, status, cancel_reason, cancelled_at FROM meetings ORDER BY number")
        ).all()
    assert [(n, t, s, r) for n, t, s, r, _ in rows] == [
        (1, "Meeting 1", "held", ""),
        (2, "Meeting 2", "cancelled", ""),
        (3, "Meeting 3", "scheduled", ""),
    ]
    # A meeting cancelled before the column existed is dated by its last change; the others by nothing.
    assert rows[0][4] is None and rows[2][4] is None
    assert str(rows[1][4]).startswith("2026-01-02 09:30")


def _downgraded(engine) -> None:
    assert {"cancel_reason", "cancelled_at"}.isdisjoint(c["name"] for c in inspect(engine).get_columns("meetings"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM meetings WHERE status = 'cancelled'")).scalar_one() == 1


def test_cancel_reason_migration_keeps_meetings_and_dates_past_cancellations(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=REVISION, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
