"""8e4b2c6d1f37: the papers, their bytes and the council's limits; existing councils keep their rows."""

from alembic import command
from sqlalchemy import inspect, text

from app.db import make_engine
from tests.databases import alembic_config
from tests.migrations.helpers import upgrade_empty

BEFORE, REVISION = "3c9e5b7a1d24", "8e4b2c6d1f37"
NOW = "2026-01-01 10:00:00"


def test_councils_get_the_default_limits_and_downgrading_drops_only_the_papers(empty_db_url):
    config = alembic_config(url=empty_db_url)
    upgrade_empty(empty_db_url, BEFORE)
    engine = make_engine(empty_db_url)
    try:
        # Raw SQL, not the models: later revisions may add columns this one lacks.
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
                    f"VALUES (1, 'C', '', 'Europe/London', 3, '{NOW}', '{NOW}')"
                )
            )
        command.upgrade(config, REVISION)
        with engine.begin() as conn:
            query = "SELECT name, version, paper_max_file_mb, paper_max_meeting_mb FROM councils"
            row = conn.execute(text(query)).one()
            assert tuple(row) == ("C", 3, 20, 100)
            conn.execute(
                text(
                    f"INSERT INTO paper_blobs (key, content, size, created_at) VALUES ('k1', :content, 3, '{NOW}')"
                ).bindparams(content=b"%PD")
            )
            conn.execute(
                text(
                    "INSERT INTO papers (council_id, attached_to, name, media_type, kind, size, sha256, storage_key, "
                    f"uploaded_at) VALUES (1, 'initiative', 'a.pdf', 'application/pdf', 'PDF', 3, 'x', 'k1', '{NOW}')"
                )
            )
            assert conn.execute(text("SELECT uploaded_by_name FROM papers")).scalar() == ""

        command.downgrade(config, BEFORE)
        tables = set(inspect(engine).get_table_names())
        assert not tables & {"papers", "paper_blobs"}
        columns = {c["name"] for c in inspect(engine).get_columns("councils")}
        assert not columns & {"paper_max_file_mb", "paper_max_meeting_mb"}
        with engine.connect() as conn:
            assert tuple(conn.execute(text("SELECT name, version FROM councils")).one()) == ("C", 3)
        command.upgrade(config, REVISION)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT paper_max_file_mb FROM councils")).scalar() == 20
    finally:
        engine.dispose()
