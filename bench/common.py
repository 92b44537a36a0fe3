"""What every benchmark uses: a free port, medians, the machine, a bench token, a live server."""

from __future__ import annotations

import os
import platform
import socket
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
SECRET_KEY = "bench-secret-key-" + "0123456789abcdef" * 2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def median_ms(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), [round(t, 3) for t in times]


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def settings_for(url: str):
    from app.config import Settings

    return Settings(
        _env_file=None, DATABASE_URL=url, SECRET_KEY=SECRET_KEY, ENVIRONMENT="production", COOKIE_SECURE=False
    )


def token_for(url: str, user_id: int) -> str:
    from app.auth import create_access_token
    from app.db import make_engine
    from app.models import User

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            token = create_access_token(
                session=session, user=session.get(User, user_id), settings=settings_for(url), user_agent="bench"
            )
            session.commit()  # the token's sign-in row
            return token
    finally:
        engine.dispose()


class ThreadServer:
    """A real uvicorn on a free loopback port, in a thread of this process."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def drive(base: str, token: str, clients: int, seconds: float, limit: int, work: Callable) -> dict:
    """`clients` threads calling `work(client, index)` until `limit` requests or `seconds` pass."""
    done = {"n": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            state: dict = {}
            while time.monotonic() < deadline:
                with lock:
                    if done["n"] >= limit:
                        return
                    done["n"] += 1
                try:
                    ok = work(client, index, state)
                except httpx.HTTPError:
                    ok = False
                if not ok:
                    with lock:
                        done["errors"] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"requests": done["n"], "errors": done["errors"], "seconds": round(elapsed, 3), "rps": done["n"] / elapsed}
