"""b7a1c4e2d9f0 (agenda template) keeps every council, note, decision and AOB item going up and coming down,
on both engines; standing-item notes are refused before it and accepted after."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.helpers import NOW, execute, roundtrip

BEFORE, TEMPLATE = "b7c41d2e9a10", "b7a1c4e2d9f0"


def _seed(engine) -> None:
    execute(
        engine,
        "INSERT INTO councils (id, name, description, timezone, agenda_minutes, version, created_at, updated_at) "
        f"""VALUES (1, 'C', '', 'Europe/London', '{{"aob": 0}}', 1, '{NOW}', '{NOW}')""",
        "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, "
        "status, cancel_reason, version, created_at, updated_at) "
        f"VALUES (1, 1, 1, '', '{NOW}', 120, '', 'held', '', 1, '{NOW}', '{NOW}')",
        "INSERT INTO minutes_items (id, meeting_id, number, notes, updated_at, version) "
        f"VALUES (1, 1, 3, 'Repeat visits down 8%', '{NOW}', 1)",
        "INSERT INTO aob_items (id, meeting_id, title, details, outcome, created_at) "
        f"VALUES (1, 1, 'Storm', '', '', '{NOW}')",
    )
    with pytest.raises(IntegrityError), engine.begin() as conn:  # no standing items before
        conn.execute(
            text(
                "INSERT INTO minutes_items (id, meeting_id, number, notes, updated_at, version) "
                f"VALUES (2, 1, 105, 'x', '{NOW}', 1)"
            )
        )


def _upgraded(engine) -> None:
    with engine.begin() as conn:
        assert conn.execute(text("SELECT agenda_order FROM councils")).scalar() is None  # the standard order
        conn.execute(
            text(
                "INSERT INTO standing_items (id, council_id, title, details, minutes, version, created_at) "
                f"VALUES (5, 1, 'Journey owner spotlight', '', 10, 1, '{NOW}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO minutes_items (id, meeting_id, number, notes, updated_at, version) "
                f"VALUES (2, 1, 105, 'Spotlight on move-in', '{NOW}', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO aob_items (id, meeting_id, title, details, outcome, created_at, carried_from_id) "
                f"VALUES (2, 1, 'Storm', '', '', '{NOW}', 1)"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:  # carried once
        conn.execute(
            text(
                "INSERT INTO aob_items (id, meeting_id, title, details, outcome, created_at, carried_from_id) "
                f"VALUES (3, 1, 'Storm', '', '', '{NOW}', 1)"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:  # 10–100 is no agenda item
        conn.execute(
            text(
                "INSERT INTO minutes_items (id, meeting_id, number, notes, updated_at, version) "
                f"VALUES (3, 1, 50, 'x', '{NOW}', 1)"
            )
        )


def _downgraded(engine) -> None:
    assert "standing_items" not in inspect(engine).get_table_names()
    assert "carried_from_id" not in {c["name"] for c in inspect(engine).get_columns("aob_items")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT number, notes FROM minutes_items")).all() == [(3, "Repeat visits down 8%")]
        assert conn.execute(text("SELECT count(*) FROM aob_items")).scalar() == 2
        assert conn.execute(text("SELECT name FROM councils")).all() == [("C",)]


def _again(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM standing_items")).scalar() == 0


def test_template_migration_keeps_rows_and_undoes_cleanly(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=TEMPLATE,
        seed=_seed,
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_again,
        again_to="head",
    )
