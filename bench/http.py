"""The agenda over HTTP against /api/health on one live server."""

from __future__ import annotations

import httpx

from bench.common import ThreadServer, median_ms, settings_for, token_for
from bench.data import Council_


def measure_agenda_http(url: str, council: Council_, runs: int) -> dict:
    """The agenda JSON against /api/health on one live server.

    The headline is the agenda as members read it: again and again while the data is
    unchanged, served from the cache the data revision keys. `cold_*` is the same
    request with the cache emptied first (every read built and serialised afresh).
    """
    from app.agendas.cache import AgendaCache
    from app.main import create_app

    token = token_for(url, council.chair_user_id)
    app = create_app(settings_for(url))
    with ThreadServer(app) as server:
        base = f"http://127.0.0.1:{server.port}"
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:

            def agenda() -> None:
                client.get(f"/api/meetings/{council.meeting_id}/agenda").raise_for_status()

            def cold_agenda() -> None:
                app.state.agenda_cache = AgendaCache()
                agenda()

            def health() -> None:
                client.get("/api/health").raise_for_status()

            agenda_ms, agenda_times = median_ms(agenda, runs, warmup=2)
            health_ms, health_times = median_ms(health, runs, warmup=2)
            cold_ms, cold_times = median_ms(cold_agenda, max(3, runs // 3), warmup=1)
    return {
        "agenda_median_ms": round(agenda_ms, 3),
        "health_median_ms": round(health_ms, 3),
        "ratio": round(agenda_ms / health_ms, 2),
        "cold_agenda_median_ms": round(cold_ms, 3),
        "cold_ratio": round(cold_ms / health_ms, 2),
        "agenda_runs_ms": agenda_times,
        "health_runs_ms": health_times,
        "cold_agenda_runs_ms": cold_times,
    }
