"""`council db backup FILE` and `council db restore FILE`: a consistent copy of a running instance, and back.

What a backup is, by engine:
- SQLite: SQLite's online backup API copies the database page by page into FILE while the
  server keeps writing; the copy is one consistent moment. FILE is a plain SQLite database.
- PostgreSQL with `pg_dump` installed: `pg_dump -Fc` into FILE. The row counts and checksums
  are read in the very snapshot pg_dump dumps (`pg_export_snapshot`), so they describe
  exactly what FILE holds, however busy the server.
- PostgreSQL without `pg_dump` (or `--portable`): the project's own copy (app/copy.py's
  checksums and order) from one REPEATABLE READ snapshot into a fresh SQLite file, which
  restores into either engine.

Beside FILE, `FILE.manifest.json` records the format, the schema revision, FILE's sha256
and each table's row count and checksum. Restore refuses a FILE whose sha256 differs from
the manifest and a target that holds rows (unless `--force`), then checks every table's
count and checksum against the manifest and says which differ.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url

from app.copy import MIGRATION_ROWS, copy_database, redacted, table_checksum, tables
from app.db import make_engine
from app.migrate import revisions, upgrade

MANIFEST_SUFFIX = ".manifest.json"
SQLITE_FILE, PG_DUMP = "sqlite", "pg_dump"
BATCH_SIZE = 1000


class BackupError(Exception):
    """The backup or restore was refused; nothing was written. The message says why, for an operator."""


class BackupFailed(BackupError):
    """pg_dump or pg_restore failed part way; the message carries its own words."""


@dataclass
class TableCount:
    table: str
    rows: int
    expected: int | None = None  # from the manifest, on restore
    ok: bool = True


def manifest_path(file: Path) -> Path:
    return file.with_name(file.name + MANIFEST_SUFFIX)


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"{redacted(url)} is not a SQLite file this command can back up or restore.")
    return Path(database)


def _sums(conn: Connection) -> dict[str, dict]:
    out = {}
    for table in tables():
        rows, checksum = table_checksum(conn, table)
        out[table.name] = {"rows": rows, "sha256": checksum}
    return out


def find_pg_tool(name: str, bin_dir: str | None = None) -> str | None:
    """`pg_dump`/`pg_restore`: from PG_BIN_DIR, else the newest under /usr/lib/postgresql, else PATH."""
    if bin_dir:
        candidate = Path(bin_dir) / name
        return str(candidate) if os.access(candidate, os.X_OK) else None
    found = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if found:
        return max(found, key=lambda p: tuple(int(n) for n in re.findall(r"\d+", Path(p).parent.parent.name)) or (0,))
    return shutil.which(name)


def _libpq(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the PostgreSQL tools; the password goes in the environment, never argv."""
    parts = make_url(url)
    args = []
    if parts.host:
        args += ["--host", parts.host]
    if parts.port:
        args += ["--port", str(parts.port)]
    if parts.username:
        args += ["--username", parts.username]
    env = {**os.environ}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return args + ["--dbname", parts.database or ""], env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


# -- backing up ----------------------------------------------------------------------


def _backup_sqlite(url: str, file: Path) -> dict[str, dict]:
    path = _sqlite_path(url)
    # Read-write, though it only reads: a read-only connection cannot open a WAL database
    # whose -shm file is missing (a server that is not running).
    source = sqlite3.connect(path)
    target = sqlite3.connect(file)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        source.backup(target)  # restarts by itself if the server writes meanwhile: one consistent copy
    finally:
        target.close()
        source.close()
    return _sealed_sums(file)


def _sealed_sums(file: Path) -> dict[str, dict]:
    """Make the SQLite `file` one self-contained file (no -wal beside it), and read its sums."""
    conn = sqlite3.connect(file)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    # A plain engine: the app's would switch the file back to WAL.
    engine = create_engine(f"sqlite:///{file}")
    try:
        with engine.connect() as conn:
            return _sums(conn)
    finally:
        engine.dispose()


def _backup_pg_dump(engine: Engine, url: str, file: Path, pg_dump: str) -> dict[str, dict]:
    args, env = _libpq(url)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
              f"--file={file}", *args], env)  # fmt: skip
        return _sums(conn)  # the same snapshot pg_dump dumped


def _backup_portable(engine: Engine, file: Path) -> dict[str, dict]:
    """The project's own copy, from one snapshot of the source into a new SQLite file."""
    target_url = f"sqlite:///{file}"
    upgrade(target_url)
    target = make_engine(target_url)
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    try:
        with engine.connect().execution_options(**options) as source, source.begin(), target.begin() as t:
            t.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in tables():
                if table.name in MIGRATION_ROWS:
                    t.execute(table.delete())
                streamed = source.execution_options(stream_results=True, yield_per=BATCH_SIZE)
                for rows in streamed.execute(select(table)).partitions(BATCH_SIZE):
                    t.execute(table.insert(), [dict(row._mapping) for row in rows])
            sums = _sums(source)
    finally:
        target.dispose()
    copied = _sealed_sums(file)
    if copied != sums:
        bad = sorted(name for name in sums if copied.get(name) != sums[name])
        raise BackupError(f"The copy does not match the database for {', '.join(bad)}; nothing was kept.")
    return sums


def backup(url: str, file: Path, *, portable: bool = False, pg_bin_dir: str | None = None) -> list[TableCount]:
    """Back up the database at `url` into `file` (and its manifest beside it); the per-table row counts."""
    file = Path(file)
    if file.exists() or manifest_path(file).exists():
        raise BackupError(f"{file} already exists; choose a new file name (a backup never overwrites).")
    if url.startswith("sqlite") and not _sqlite_path(url).is_file():
        raise BackupError(f"{redacted(url)} does not exist: there is nothing to back up.")
    file.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        current, _ = revisions(engine, url)
        if current is None:
            raise BackupError(f"{redacted(url)} has no schema: there is nothing to back up.")
        pg_dump = find_pg_tool("pg_dump", pg_bin_dir) if engine.dialect.name == "postgresql" else None
        try:
            if engine.dialect.name == "sqlite" and not portable:
                fmt, sums = SQLITE_FILE, _backup_sqlite(url, file)
            elif pg_dump and not portable:
                fmt, sums = PG_DUMP, _backup_pg_dump(engine, url, file, pg_dump)
            else:
                fmt, sums = SQLITE_FILE, _backup_portable(engine, file)
        except BaseException:
            file.unlink(missing_ok=True)
            raise
    finally:
        engine.dispose()
    manifest = {
        "format": fmt,
        "engine": engine.dialect.name,
        "revision": current,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "file_sha256": _sha256(file),
        "tables": sums,
    }
    manifest_path(file).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return [TableCount(name, entry["rows"]) for name, entry in sums.items()]


# -- restoring -----------------------------------------------------------------------


def read_manifest(file: Path) -> dict:
    """The manifest beside `file`, after checking that `file` is the one it describes."""
    file, path = Path(file), manifest_path(Path(file))
    if not file.is_file():
        raise BackupError(f"{file} does not exist.")
    try:
        manifest = json.loads(path.read_text())
        fmt, expected, recorded = manifest["format"], manifest["file_sha256"], manifest["tables"]
    except FileNotFoundError:
        raise BackupError(f"{path} is missing: a backup is restored only with its manifest.") from None
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path} is not a backup manifest.") from None
    if fmt not in (SQLITE_FILE, PG_DUMP) or not isinstance(recorded, dict):
        raise BackupError(f"{path} is not a backup manifest.")
    if _sha256(file) != expected:
        raise BackupError(f"{file} does not match its manifest's checksum: it is damaged or was changed. Not restored.")
    return manifest


def busy_tables(engine: Engine) -> list[str]:
    """App tables holding rows (the migrations' own rows do not count)."""
    names = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return sorted(
            t.name
            for t in tables()
            if t.name in names - MIGRATION_ROWS and conn.execute(select(t).limit(1)).first() is not None
        )


def _empty(engine: Engine) -> None:
    """Delete every app row, children first (restore --force across engines)."""
    with engine.begin() as conn:
        for table in reversed(tables()):
            if table.name in inspect(conn).get_table_names():
                conn.execute(table.delete())


def _restore_sqlite_file(file: Path, url: str) -> None:
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    target = sqlite3.connect(_sqlite_path(url))
    try:
        target.execute("PRAGMA busy_timeout=30000")
        source.backup(target)  # replaces the target's pages with the backup's, in one step
    finally:
        target.close()
        source.close()


def restore(
    file: Path, url: str, *, force: bool = False, pg_bin_dir: str | None = None, progress: Callable[[str], None] = print
) -> list[TableCount]:
    """Restore `file` into the database at `url`; every table's count and checksum checked against the manifest."""
    file = Path(file)
    manifest = read_manifest(file)
    engine = make_engine(url)
    try:
        busy = busy_tables(engine)
        if busy and not force:
            raise BackupError(
                f"{redacted(url)} is not empty (rows in {', '.join(busy)}); nothing was restored. "
                "Restore into an empty database, or add --force to replace what it holds."
            )
        kind = engine.dialect.name
    finally:
        engine.dispose()
    if manifest["format"] == PG_DUMP:
        if kind != "postgresql":
            raise BackupError("This backup was made by pg_dump: restore it into PostgreSQL.")
        pg_restore = find_pg_tool("pg_restore", pg_bin_dir)
        if pg_restore is None:
            raise BackupError("pg_restore is not installed (apt-get install postgresql-client), or set PG_BIN_DIR.")
        args, env = _libpq(url)
        progress(f"pg_restore into {redacted(url)} …")
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(file)], env)  # fmt: skip
    elif kind == "sqlite":
        progress(f"Restoring into {redacted(url)} with SQLite's backup API …")
        _restore_sqlite_file(file, url)
    else:
        progress(f"Copying into {redacted(url)} (app/copy.py) …")
        if busy:
            _empty(make_engine(url))
        with tempfile.TemporaryDirectory() as scratch:
            # The copy reads its source; give it a scratch copy so the backup itself stays untouched.
            source = Path(scratch) / "backup.db"
            shutil.copyfile(file, source)
            copy_database(f"sqlite:///{source}", url)
    return verify_restore(url, manifest)


def verify_restore(url: str, manifest: dict) -> list[TableCount]:
    """Each table's rows and checksum in the restored database against the manifest (`ok` False where they differ)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = _sums(conn)
    finally:
        engine.dispose()
    counts = []
    for name, entry in manifest["tables"].items():
        now = found.get(name, {"rows": 0, "sha256": None})
        counts.append(TableCount(name, now["rows"], entry["rows"], now == entry))
    if all(c.ok for c in counts):
        upgrade(url)  # a backup from an older release comes up to this code's schema
    return counts
