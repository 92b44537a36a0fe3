"""Test databases on SQLite and PostgreSQL, migrated by Alembic once per session.

Per test, SQLite copies a migrated template file (well under a millisecond).
PostgreSQL keeps one migrated working database and empties it before each test
(DELETE every row and restart the sequences: 1-3 ms, against 7-14 ms for TRUNCATE
and 30-70 ms for CREATE DATABASE … TEMPLATE plus the drop); extra databases, migrated
or empty, are copied from a template on request.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from psycopg import sql

from tests.pg import PostgresCluster

ROOT = Path(__file__).resolve().parents[1]
ALEMBIC_INI = ROOT / "alembic.ini"


def alembic_config(*, url: str | None = None, connection=None) -> Config:
    """Alembic's config for this repository, aimed at `url` or an open Connection."""
    config = Config(str(ALEMBIC_INI))
    # pytest owns logging; fileConfig would replace its handlers.
    config.attributes["configure_logging"] = False
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migrations have {len(heads)} heads: {heads}; merge them"
    return heads[0]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class SqliteDatabases:
    """Database files in a test's own folder, copied from one migrated template."""

    def __init__(self, folder: Path) -> None:
        self.template = folder / "template.db"
        command.upgrade(alembic_config(url=sqlite_url(self.template)), "head")
        # Fold any WAL back into the main file, so copying one file copies everything.
        with sqlite3.connect(self.template) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.template}{suffix}").unlink(missing_ok=True)

    def create(self, path: Path, *, migrated: bool = True) -> str:
        if migrated:
            shutil.copyfile(self.template, path)
        return sqlite_url(path)


class PostgresDatabases:
    """One migrated template, one working copy emptied per test, extras on request."""

    TEMPLATE = "tmpl_migrated"
    WORKING = "test_work"

    def __init__(self, cluster: PostgresCluster) -> None:
        self.cluster = cluster
        self.head = head_revision()
        cluster.create_database(self.TEMPLATE)
        command.upgrade(alembic_config(url=cluster.url(self.TEMPLATE)), "head")
        cluster.mark_template(self.TEMPLATE)
        self._work: psycopg.Connection | None = None
        self._reset_sql: sql.Composable = sql.SQL("")
        self._dirty = False
        self._create_working()

    def working(self) -> str:
        """The working database, emptied of every row and with ids restarting at 1."""
        if self._dirty:
            self._reset_working()
        self._dirty = True
        return self.cluster.url(self.WORKING)

    def create(self, name: str, *, migrated: bool = True) -> str:
        template = self.TEMPLATE if migrated else "template0"
        return self.cluster.create_database(name, template=template)

    def drop(self, name: str) -> None:
        self.cluster.drop_database(name)

    def close(self) -> None:
        if self._work is not None:
            self._work.close()
            self._work = None

    def _create_working(self) -> None:
        self.close()
        self.cluster.drop_database(self.WORKING)
        self.cluster.create_database(self.WORKING, template=self.TEMPLATE)
        self._work = psycopg.connect(self.cluster.dsn(self.WORKING), autocommit=True)
        tables = self._work.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        ).fetchall()
        sequences = self._work.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
            "FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
        # DELETE, not TRUNCATE: on a test's handful of rows it is several times faster.
        # As `replica`, foreign-key triggers do not fire, so the order does not matter.
        self._reset_sql = sql.SQL(" ").join(
            [
                sql.SQL("SET session_replication_role = replica;"),
                *(sql.SQL("DELETE FROM {};").format(sql.Identifier(t)) for (t,) in tables),
                sql.SQL("SET session_replication_role = DEFAULT;"),
                # The one row the migrations create (app/models/revision.py), as they create it.
                sql.SQL("INSERT INTO data_revision (id, stamp, changed_at) VALUES (1, md5(random()::text), now());"),
                *(sql.SQL("SELECT setval({}, 1, false);").format(sql.Literal(name)) for (name,) in sequences),
            ]
        )
        self._dirty = False

    def _reset_working(self) -> None:
        assert self._work is not None
        try:
            # Connections a finished test leaked could hold locks the DELETEs would wait on.
            self._work.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            version = self._work.execute("SELECT version_num FROM alembic_version").fetchall()
        except psycopg.Error:
            version = None
        if version != [(self.head,)]:
            # The last test changed the schema itself: start again from the template.
            self._create_working()
            return
        self._work.execute(self._reset_sql)
