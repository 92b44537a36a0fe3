"""`council serve` as an operator runs it: a subprocess, its own process group, ready when /api/health answers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_SECRET_KEY
from tests.pg import free_port

COUNCIL = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "council")


def server_env(db_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "ENVIRONMENT": "test",
        "COOKIE_SECURE": "false",
    }


@contextmanager
def council_serve(db_url: str, cwd: Path, *extra: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """`council serve` in its own process group; yields (process, base URL) once /api/health answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (cwd / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        [COUNCIL, "serve", "--port", str(port), *extra],
        env=server_env(db_url),
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # Generous: a loaded machine takes seconds to import the app in each worker.
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"council serve did not start:\n{Path(log.name).read_text()[-3000:]}", pytrace=False)
            time.sleep(0.05)
        yield process, base
    finally:
        if process.poll() is None:
            # The group: with --workers, uvicorn's worker processes too.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
