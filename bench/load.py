"""Load on PostgreSQL with two workers: action updates against /api/health."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import ROOT, SECRET_KEY, drive, free_port, token_for
from bench.data import SIZES, generate


def measure_action_patch(clients: int = 32, seconds: float = 20, limit: int = 2000) -> dict:
    from tests.pg import PostgresCluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL not found under /usr/lib/postgresql: skipping action_patch_rps_vs_health.")
        return {"note": "PostgreSQL not installed", "ratio": None}
    cluster = PostgresCluster(bin_dir)
    server: subprocess.Popen | None = None
    try:
        cluster.start()
        url = cluster.create_database("bench")
        council = generate(url, SIZES["tiny"])
        action_ids = council.open_action_ids[:clients]
        token = token_for(url, council.chair_user_id)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "ENVIRONMENT": "production",
            "COOKIE_SECURE": "false",
        }
        council_cli = str(Path(sys.executable).parent / "council")
        server = subprocess.Popen(
            [council_cli, "serve", "--workers", "2", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        # Two workers each import the app: on a busy shared 2-core machine that alone took 15 s.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                if server.poll() is None:
                    # Reading the stderr of a live server would wait for it forever.
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
                raise RuntimeError(f"council serve did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.1)

        def patch(client: httpx.Client, index: int, state: dict) -> bool:
            action_id = action_ids[index % len(action_ids)]
            if "etag" not in state:
                got = client.get(f"/api/actions/{action_id}")
                state["etag"] = got.headers.get("ETag")
            response = client.patch(
                f"/api/actions/{action_id}",
                json={"note": f"Progress from client {index}"},
                headers={"If-Match": state["etag"]},
            )
            state["etag"] = response.headers.get("ETag", state["etag"])
            return response.status_code == 200

        def health(client: httpx.Client, index: int, state: dict) -> bool:
            return client.get("/api/health").status_code == 200

        writes = drive(base, token, clients, seconds, limit, patch)
        reads = drive(base, token, clients, seconds, limit, health)
        return {
            "clients": clients,
            "workers": 2,
            "patch": {**writes, "rps": round(writes["rps"], 1)},
            "health": {**reads, "rps": round(reads["rps"], 1)},
            "ratio": round(writes["rps"] / reads["rps"], 3),
        }
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        cluster.stop()
