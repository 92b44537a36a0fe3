"""3c9e5b7a1d24: the correction round's table and the minutes' new columns; existing minutes keep every row."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, REVISION = "a3d9e51c7b20", "3c9e5b7a1d24"


def _seed(engine) -> None:
    execute(
        engine,
        COUNCIL,
        "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, "
        "cancel_reason, "
        f"status, version, created_at, updated_at) VALUES (3, 1, 3, '', '{NOW}', 120, '', '', 'held', 1, "
        f"'{NOW}', '{NOW}')",
        "INSERT INTO minutes (meeting_id, status, agenda_version, previous_minutes_note, "
        "next_meeting_note, circulated_at, version, created_at, updated_at) "
        f"VALUES (3, 'circulated', 0, '', 'Leeds', '{NOW}', 4, '{NOW}', '{NOW}')",
    )


def _upgraded(engine) -> None:
    with engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT status, next_meeting_note, version, corrections_close_at, approved_early_reason, "
                "taken_by_id, taken_by_name FROM minutes"
            )
        ).one()
        # No window for minutes circulated before the round existed: the chair approves as before.
        assert tuple(row) == ("circulated", "Leeds", 4, None, "", None, "")
        conn.execute(
            text(
                "INSERT INTO minutes_corrections (meeting_id, item_number, text, reason, item_version, status, "
                f"decision_note, applied, created_at) VALUES (3, 2, 'Fixed', 'Typo', 1, 'proposed', '', false, "
                f"'{NOW}')"
            )
        )
        assert conn.execute(text("SELECT count(*) FROM minutes_corrections")).scalar() == 1


def _downgraded(engine) -> None:
    assert "minutes_corrections" not in inspect(engine).get_table_names()
    columns = {c["name"] for c in inspect(engine).get_columns("minutes")}
    assert not columns & {"corrections_close_at", "approved_early_reason", "taken_by_id", "taken_by_name"}
    with engine.connect() as conn:
        assert tuple(conn.execute(text("SELECT status, next_meeting_note, version FROM minutes")).one()) == (
            "circulated",
            "Leeds",
            4,
        )


def test_existing_minutes_keep_their_rows_and_downgrading_drops_only_the_round(empty_db_url):
    roundtrip(empty_db_url, before=BEFORE, after=REVISION, seed=_seed, upgraded=_upgraded, downgraded=_downgraded)
