"""The agenda and its packs over HTTP against /api/health on one live server."""

from __future__ import annotations

import itertools
import statistics
import time

import httpx

from bench.common import ThreadServer, settings_for, token_for
from bench.data import Council_


def measure_agenda_http(url: str, council: Council_, runs: int) -> dict:
    """The agenda JSON, its Word and PDF packs, against /api/health on one live server, in one run.

    - warm: the agenda as members read it, again and again while the data is unchanged
      (served from the cache the council's revision keys);
    - cold: the first read after a write in the same council (an action's progress note,
      PATCHed with If-Match as a secretary saves it): the write replaces the council's
      stamp, so the read builds and serialises the agenda afresh. Only the GET is timed;
    - packs: the Word and PDF pack of the unchanged meeting (warm: the bytes kept since
      the first download) over the warm agenda JSON.
    """
    from app.main import create_app

    token = token_for(url, council.chair_user_id)
    app = create_app(settings_for(url))
    agenda_url = f"/api/meetings/{council.meeting_id}/agenda"
    with ThreadServer(app) as server:
        base = f"http://127.0.0.1:{server.port}"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:

            def timed(path: str) -> float:
                started = time.perf_counter()
                client.get(path).raise_for_status()
                return round((time.perf_counter() - started) * 1000, 3)

            paths = {
                "health": "/api/health",
                "json": agenda_url,
                "docx": f"{agenda_url}.docx",
                "pdf": f"{agenda_url}.pdf",
            }
            action_ids = itertools.cycle(council.open_action_ids)
            notes = itertools.count(1)

            def write() -> None:
                action = f"/api/actions/{next(action_ids)}"
                found = client.get(action)
                found.raise_for_status()
                client.patch(
                    action, headers={"If-Match": found.headers["ETag"]}, json={"note": f"Bench note {next(notes)}"}
                ).raise_for_status()

            # Warm-up: the first reads build the agenda and each pack; two more settle the server.
            for _ in range(3):
                for path in paths.values():
                    timed(path)
            # Interleaved rounds, so a busy moment on a shared machine weighs on every figure alike.
            times: dict[str, list[float]] = {name: [] for name in paths}
            for _ in range(runs):
                for name, path in paths.items():
                    times[name].append(timed(path))
            cold_times, cold_health = [], []
            for _ in range(max(3, runs // 3)):
                write()  # not timed
                cold_times.append(timed(agenda_url))
                cold_health.append(timed(paths["health"]))
    median = {name: statistics.median(values) for name, values in times.items()}
    health_ms, agenda_ms = median["health"], median["json"]
    # The cold reads against the health checks timed beside them (the same minutes of a shared
    # machine; health between the packs' megabytes reads slower, which would flatter the ratio).
    cold_ms, cold_health_ms = statistics.median(cold_times), statistics.median(cold_health)
    return {
        "agenda_median_ms": round(agenda_ms, 3),
        "health_median_ms": round(health_ms, 3),
        "ratio": round(agenda_ms / health_ms, 2),
        "cold_agenda_median_ms": round(cold_ms, 3),
        "health_beside_cold_median_ms": round(cold_health_ms, 3),
        "cold_ratio": round(cold_ms / cold_health_ms, 2),
        "cold_vs_round_health": round(cold_ms / health_ms, 2),
        "cold_after": "a PATCH of an action's note in the same council (If-Match), not timed",
        "docx_warm_median_ms": round(median["docx"], 3),
        "pdf_warm_median_ms": round(median["pdf"], 3),
        "docx_warm_vs_json": round(median["docx"] / agenda_ms, 2),
        "pdf_warm_vs_json": round(median["pdf"] / agenda_ms, 2),
        "agenda_runs_ms": times["json"],
        "health_runs_ms": times["health"],
        "cold_agenda_runs_ms": cold_times,
        "health_beside_cold_runs_ms": cold_health,
        "docx_warm_runs_ms": times["docx"],
        "pdf_warm_runs_ms": times["pdf"],
    }
