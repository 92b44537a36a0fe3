"""The agenda and its packs over HTTP against /api/health on one live server."""

from __future__ import annotations

import itertools
import statistics
import time

import httpx

from bench.common import ThreadServer, median_ms, settings_for, token_for
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

            def get(path: str):
                def fetch() -> None:
                    client.get(path).raise_for_status()

                return fetch

            agenda, health = get(agenda_url), get("/api/health")
            docx, pdf = get(f"{agenda_url}.docx"), get(f"{agenda_url}.pdf")
            action_ids = itertools.cycle(council.open_action_ids)
            notes = itertools.count(1)

            def write() -> None:
                action = f"/api/actions/{next(action_ids)}"
                found = client.get(action)
                found.raise_for_status()
                client.patch(
                    action, headers={"If-Match": found.headers["ETag"]}, json={"note": f"Bench note {next(notes)}"}
                ).raise_for_status()

            agenda_ms, agenda_times = median_ms(agenda, runs, warmup=2)
            health_ms, health_times = median_ms(health, runs, warmup=2)
            # The first download builds a pack (the warm-up); the rest are the unchanged meeting's.
            docx_ms, docx_times = median_ms(docx, runs, warmup=1)
            pdf_ms, pdf_times = median_ms(pdf, runs, warmup=1)
            json_ms, json_times = median_ms(agenda, runs, warmup=0)  # beside the packs, same server and run
            cold_times = []
            for _ in range(max(3, runs // 3)):
                write()  # not timed
                started = time.perf_counter()
                agenda()
                cold_times.append(round((time.perf_counter() - started) * 1000, 3))
            cold_ms = statistics.median(cold_times)
    return {
        "agenda_median_ms": round(agenda_ms, 3),
        "health_median_ms": round(health_ms, 3),
        "ratio": round(agenda_ms / health_ms, 2),
        "cold_agenda_median_ms": round(cold_ms, 3),
        "cold_ratio": round(cold_ms / health_ms, 2),
        "cold_after": "a PATCH of an action's note in the same council (If-Match), not timed",
        "docx_warm_median_ms": round(docx_ms, 3),
        "pdf_warm_median_ms": round(pdf_ms, 3),
        "json_beside_packs_median_ms": round(json_ms, 3),
        "docx_warm_vs_json": round(docx_ms / json_ms, 2),
        "pdf_warm_vs_json": round(pdf_ms / json_ms, 2),
        "agenda_runs_ms": agenda_times,
        "health_runs_ms": health_times,
        "cold_agenda_runs_ms": cold_times,
        "docx_warm_runs_ms": docx_times,
        "pdf_warm_runs_ms": pdf_times,
        "json_beside_packs_runs_ms": json_times,
    }
