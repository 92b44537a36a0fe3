"""Migrations build exactly the schema the models describe, and undo cleanly, on both engines."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.db import make_engine
from app.models import metadata
from tests.databases import alembic_config, head_revision

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
