"""5e71e5c0a1d3 adds meeting_series and meetings.series_id/occurrence_at beside meetings; undoes cleanly."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, REVISION = "5a1d7c3e9b20", "5e71e5c0a1d3"
MEETING = (
    "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, status, "
    f"version, created_at, updated_at) VALUES ({{id}}, 1, {{id}}, 'Monthly', '{NOW}', 120, 'Leeds', 'held', 1, "
    f"'{NOW}', '{NOW}')"
)


def _upgraded(engine) -> None:
    with engine.begin() as conn:
        assert conn.execute(text("SELECT title, series_id, occurrence_at FROM meetings")).one() == (
            "Monthly",
            None,
            None,
        )
        conn.execute(
            text(
                "INSERT INTO meeting_series (id, council_id, rule, starts_on, start_time, duration_minutes, "
                "location, title, ahead, skipped, version, created_at, updated_at) VALUES (1, 1, "
                f"'FREQ=MONTHLY;BYDAY=2MO', '2027-01-01', '10:00:00', 120, '', '', 6, '[]', 1, '{NOW}', '{NOW}')"
            )
        )
        conn.execute(text(MEETING.format(id=2)))
        conn.execute(text(f"UPDATE meetings SET series_id = 1, occurrence_at = '{NOW}' WHERE id = 2"))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # one council, one cadence
        conn.execute(
            text(
                "INSERT INTO meeting_series (id, council_id, rule, starts_on, start_time, duration_minutes, "
                "location, title, ahead, skipped, version, created_at, updated_at) VALUES (2, 1, "
                f"'FREQ=WEEKLY', '2027-01-01', '10:00:00', 120, '', '', 6, '[]', 1, '{NOW}', '{NOW}')"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:  # never the same occurrence twice
        conn.execute(text(MEETING.format(id=3)))
        conn.execute(text(f"UPDATE meetings SET series_id = 1, occurrence_at = '{NOW}' WHERE id = 3"))


def _downgraded(engine) -> None:
    assert "meeting_series" not in inspect(engine).get_table_names()
    assert {"series_id", "occurrence_at"}.isdisjoint(c["name"] for c in inspect(engine).get_columns("meetings"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id, title FROM meetings ORDER BY id")).all() == [
            (1, "Monthly"),
            (2, "Monthly"),
        ]


def test_series_migration_keeps_meetings_and_one_meeting_per_occurrence(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=lambda engine: execute(engine, COUNCIL, MEETING.format(id=1)),
        upgraded=_upgraded,
        downgraded=_downgraded,
    )
