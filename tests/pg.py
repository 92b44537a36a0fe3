"""A throwaway PostgreSQL cluster for the test session: initdb, start, hand out databases, stop.

Used by conftest.py; also runnable on its own to time it: `python -m tests.pg`.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ADMIN_USER = "app"


def find_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries Debian has installed, if any."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        return None

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    return max(found, key=version)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresError(RuntimeError):
    """The cluster could not be created or started; the message carries its log."""


class PostgresCluster:
    """A private cluster in a temporary folder, trusting local connections as `app`."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.data_dir: Path | None = None
        self.port: int | None = None
        self._admin: psycopg.Connection | None = None
        self._reaper: subprocess.Popen | None = None
        self._names = itertools.count(1)
        # initdb refuses to run as root; run the server tools as the postgres account.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> PostgresCluster:
        self.data_dir = Path(tempfile.mkdtemp(prefix="cx-pg-"))
        atexit.register(self.stop)
        if self._as:
            shutil.chown(self.data_dir, user="postgres", group="postgres")
        self.data_dir.chmod(0o700)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", ADMIN_USER, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        last_error = ""
        # A free port can be taken between asking and binding; try a few.
        for _ in range(5):
            self.port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data_dir} "
                # Durability is pointless for a throwaway cluster.
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                # A test that waits on a lock it holds itself fails instead of hanging.
                "-c lock_timeout=20s"
            )
            try:
                self._run(
                    "pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"),
                    "-w", "-t", "30", "-o", options, "start",
                )  # fmt: skip
                break
            except PostgresError as exc:
                last_error = str(exc)
        else:
            raise PostgresError(last_error)
        self._start_reaper()
        self._admin = psycopg.connect(self.dsn("postgres"), autocommit=True)
        return self

    def _start_reaper(self) -> None:
        """Stop the cluster even if this process dies without running its finalizers.

        pg_ctl detaches the server, so a killed test run would leave it running. The
        reaper lives in its own session (a kill of the run's process group spares it)
        and writes nowhere (a runner waiting for the output to close is not held up).
        """
        script = (
            'parent=$1 dir=$2; shift 2; while kill -0 "$parent" 2>/dev/null; do sleep 1; done; '
            'if [ -f "$dir/postmaster.pid" ]; then "$@" -D "$dir" -m immediate -w stop; fi; '
            'rm -rf "$dir"'
        )
        self._reaper = subprocess.Popen(
            ["sh", "-c", script, "reaper", str(os.getpid()), str(self.data_dir),
             *self._as, str(self.bin_dir / "pg_ctl")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.data_dir is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(
                [*self._as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir),
                 "-m", "immediate", "-w", "stop"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir = None
        if self._reaper is not None:
            os.killpg(self._reaper.pid, signal.SIGTERM)
            self._reaper.wait()
            self._reaper = None

    def postmaster_pid(self) -> int | None:
        """The cluster's postmaster (the parent of its server processes), None when it is not running."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])  # type: ignore[operator]
        except (OSError, TypeError, ValueError, IndexError):
            return None

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------

    def url(self, dbname: str) -> str:
        """A SQLAlchemy URL for one database of this cluster."""
        return f"postgresql+psycopg://{ADMIN_USER}@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={ADMIN_USER} dbname={dbname}"

    def new_name(self, prefix: str = "t") -> str:
        return f"{prefix}_{next(self._names)}"

    def create_database(self, name: str, *, template: str = "template1") -> str:
        """Create `name` as a copy of `template`; return its URL.

        FILE_COPY rather than PostgreSQL 15's default WAL_LOG: as fast here (30-35 ms
        for the migrated schema) and it writes no WAL for the copied pages.
        """
        self._exec(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._exec(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def mark_template(self, name: str) -> None:
        """Forbid connections to `name`, so that nothing can block copying it."""
        self._exec(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true").format(sql.Identifier(name))
        )

    def _exec(self, statement: sql.Composable) -> None:
        assert self._admin is not None, "the cluster is not running"
        self._admin.execute(statement)

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self._as, str(self.bin_dir / tool), *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = ""
            if self.data_dir is not None and (self.data_dir / "server.log").exists():
                log = (self.data_dir / "server.log").read_text(errors="replace")[-2000:]
            raise PostgresError(f"{tool} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")


if __name__ == "__main__":
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL binaries under /usr/lib/postgresql")
    t0 = time.perf_counter()
    with PostgresCluster(bin_dir) as cluster:
        t1 = time.perf_counter()
        print(f"initdb + start: {t1 - t0:.2f}s on port {cluster.port}")
        cluster.create_database("tmpl")
        n = 20
        t2 = time.perf_counter()
        for _ in range(n):
            cluster.create_database(cluster.new_name(), template="tmpl")
        t3 = time.perf_counter()
        print(f"create database from template: {(t3 - t2) / n * 1000:.1f} ms each")
    print(f"stop + remove: {time.perf_counter() - t3:.2f}s")
