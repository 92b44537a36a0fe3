"""Migrations build exactly the schema the models describe, and undo cleanly, on both engines."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.db import make_engine
from app.models import metadata
from tests.databases import alembic_config, head_revision
from tests.migrations.helpers import ACTION, ACTION_NOTE, COUNCIL, NOW, USER, execute, roundtrip, seat

APP_TABLES = set(metadata.tables)


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _schema_diff(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def test_one_head():
    assert head_revision()


def test_upgrade_downgrade_upgrade_matches_models(empty_db_url):
    config = alembic_config(url=empty_db_url)

    command.upgrade(config, "head")
    assert _tables(empty_db_url) == APP_TABLES

    command.downgrade(config, "base")
    assert _tables(empty_db_url) == set()

    command.upgrade(config, "head")
    assert _tables(empty_db_url) == APP_TABLES
    assert _schema_diff(empty_db_url) == []


def test_alembic_check_finds_nothing(db_url):
    # What `alembic check` runs: autogenerate against a database at head.
    command.check(alembic_config(url=db_url))


def test_each_revision_downgrades_and_upgrades_again(empty_db_url):
    """The stairway: up one revision, down one, up again, for every revision in order."""
    config = alembic_config(url=empty_db_url)
    script = ScriptDirectory.from_config(config)
    for revision in reversed(list(script.walk_revisions("base", "heads"))):
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
    assert _tables(empty_db_url) == APP_TABLES


def test_action_progress_migration_keeps_existing_rows(empty_db_url):
    """Rows written before 20ba3407c36d survive it, get sensible defaults, and survive going back."""

    def upgraded(engine) -> None:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title, version, percent_complete, raised_at_item FROM actions")).one() == (
                "Old action",
                3,
                0,
                None,
            )
            assert conn.execute(text("SELECT note, without_if_match FROM action_updates")).one() == ("old note", False)

    def downgraded(engine) -> None:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title, version FROM actions")).one() == ("Old action", 3)
            # SQLite rebuilds `actions` to drop its columns; the history pointing at it stays.
            assert conn.execute(text("SELECT note FROM action_updates")).one() == ("old note",)

    roundtrip(
        empty_db_url,
        before="f335ceedffdd",
        after="head",
        seed=lambda engine: execute(
            engine,
            USER,
            COUNCIL,
            seat("chair"),
            ACTION,
            ACTION_NOTE,
        ),
        upgraded=upgraded,
        downgraded=downgraded,
    )


def test_feedback_migration_adds_its_tables_and_keeps_existing_rows(empty_db_url):
    """704c2a734386 adds the feedback tables beside existing data, and going back leaves that data."""

    def upgraded(engine) -> None:
        execute(
            engine,
            "INSERT INTO feedback_responses (id, council_id, response_ref, responded_on, channel, helped, "
            f"hindered, comment, created_at, updated_at) VALUES (1, 1, 'R1', '2026-01-05', '', '', 'late', '', "
            f"'{NOW}', '{NOW}')",
            "INSERT INTO feedback_months (council_id, department_id, month, responses, rating_sum, "
            "rating_count) VALUES (1, NULL, '2026-01-01', 1, 0, 0)",
        )
        # The partial unique index keeps one "all departments" row per council and month, on both engines.
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO feedback_months (council_id, department_id, month, responses, rating_sum, "
                    "rating_count) VALUES (1, NULL, '2026-01-01', 2, 0, 0)"
                )
            )

    def downgraded(engine) -> None:
        assert "feedback_responses" not in _tables(empty_db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM councils")).one() == ("C",)

    roundtrip(
        empty_db_url,
        before="b4f28deaa636",
        after="704c2a734386",
        seed=lambda engine: execute(engine, COUNCIL),
        upgraded=upgraded,
        downgraded=downgraded,
    )


def test_archive_migration_keeps_rows_live_and_refuses_to_downgrade_over_archived_ones(empty_db_url):
    """d8ba2349f73f adds archived_at/archived_by_id (existing rows stay live) and the audit log;
    going back keeps the rows, and is refused while a row is archived (it would show again as live)."""
    before = "f9cf5dd0cbc4"

    def upgraded(engine) -> None:
        with engine.begin() as conn:
            assert conn.execute(text("SELECT title, version, archived_at FROM actions")).one() == (
                "Old action",
                3,
                None,
            )
            assert conn.execute(text("SELECT name, archived_at FROM councils")).one() == ("C", None)
            conn.execute(text(f"UPDATE actions SET archived_at = '{NOW}', archived_by_id = 1"))
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, subject, detail) "
                    f"VALUES ('{NOW}', 'a@example.com', 'archive', 'actions:1', '{{}}')"
                )
            )
        with pytest.raises(RuntimeError, match="archived row"):
            command.downgrade(alembic_config(url=empty_db_url), before)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT archived_by_id FROM actions")).one() == (1,)
            conn.execute(text("UPDATE actions SET archived_at = NULL, archived_by_id = NULL"))

    def downgraded(engine) -> None:
        assert "audit_log" not in _tables(empty_db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title, version FROM actions")).one() == ("Old action", 3)

    roundtrip(
        empty_db_url,
        before=before,
        after="d8ba2349f73f",
        seed=lambda engine: execute(engine, USER, COUNCIL, seat("chair"), ACTION),
        upgraded=upgraded,
        downgraded=downgraded,
    )


def test_minutes_item_version_migration_backfills_1_and_keeps_the_notes(empty_db_url):
    """9e9e734b49b0 gives existing notes version 1 (what a first save gives), and going back keeps the notes."""

    def upgraded(engine) -> None:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT notes, version FROM minutes_items")).one() == ("Repeat visits down 8%", 1)

    def downgraded(engine) -> None:
        assert "version" not in {c["name"] for c in inspect(engine).get_columns("minutes_items")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT notes FROM minutes_items")).one() == ("Repeat visits down 8%",)

    roundtrip(
        empty_db_url,
        before="d8ba2349f73f",
        after="9e9e734b49b0",
        seed=lambda engine: execute(
            engine,
            COUNCIL,
            "INSERT INTO meetings (id, council_id, number, title, scheduled_at, duration_minutes, location, "
            f"status, version, created_at, updated_at) VALUES (1, 1, 1, '', '{NOW}', 120, '', 'held', 1, "
            f"'{NOW}', '{NOW}')",
            "INSERT INTO minutes_items (id, meeting_id, number, notes, updated_at) "
            f"VALUES (1, 1, 3, 'Repeat visits down 8%', '{NOW}')",
        ),
        upgraded=upgraded,
        downgraded=downgraded,
    )
