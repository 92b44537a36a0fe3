"""c5d2a9e7f410: two covering indexes (readings; the actions' delivery counts); every row kept both ways."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import ACTION, COUNCIL, USER, execute, roundtrip, seat

BEFORE, REVISION = "c5f1a2d8e4b6", "c5d2a9e7f410"
NOW = "2026-01-01 10:00:00"
MEASURE = (
    "INSERT INTO measures (id, council_id, name, description, kind, category, unit, direction, scope, version, "
    f"created_at, updated_at) VALUES (1, 1, 'NPS', '', 'nps', 'survey_rating', '', 'higher_is_better', 'overall', 1, "
    f"'{NOW}', '{NOW}')"
)
READING = (
    "INSERT INTO readings (id, measure_id, period, value, note, created_at, updated_at) "
    f"VALUES (1, 1, '2026-01-01', 42.5, '', '{NOW}', '{NOW}')"
)


def _indexes(engine, table: str) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes(table)}


def _rows(engine) -> tuple:
    with engine.connect() as conn:
        reading = conn.execute(text("SELECT measure_id, period, value FROM readings")).one()
        action = conn.execute(text("SELECT title, status, version FROM actions")).one()
    return str(reading.period)[:10], reading.value, tuple(action)


def test_the_indexes_come_and_go_and_every_row_stays(empty_db_url):
    def seed(engine) -> None:
        execute(engine, COUNCIL, USER, seat("member"), ACTION, MEASURE, READING)

    def upgraded(engine) -> None:
        assert "ix_readings_measure_period_value" in _indexes(engine, "readings")
        assert "ix_actions_council_due_on_delivery" in _indexes(engine, "actions")
        assert _rows(engine) == ("2026-01-01", 42.5, ("Old action", "open", 3))

    def downgraded(engine) -> None:
        assert "ix_readings_measure_period_value" not in _indexes(engine, "readings")
        assert "ix_actions_council_due_on_delivery" not in _indexes(engine, "actions")
        assert _rows(engine) == ("2026-01-01", 42.5, ("Old action", "open", 3))

    roundtrip(
        empty_db_url, before=BEFORE, after=REVISION, seed=seed, upgraded=upgraded, downgraded=downgraded, again=upgraded
    )
