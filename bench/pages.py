"""The pages the load run's people open most, each cold, against /api/health on one live server.

    python -m bench.run --only pages

The load run (bench/load.py) times these pages under contention, where every page's cost
adds to every other page's tail; here each is timed alone, one request at a time, so the
figure is what one request of that page costs:
- home: a member's /home;
- action list: the member's actions, as the load run opens them (the council's log filtered
  to their seat, `?owner_id=`);
- minutes page: the secretary's page of the next meeting's minutes, right after a save of
  notes in the same council, as under the load run's autosaves (the save replaces the
  council's minutes stamp only, so the agenda the minutes follow stays kept; the record
  itself is read afresh);
- autosave: the secretary's save of an item's notes (POST …/autosave with the version).

Every round runs the four and a health check, interleaved, so a busy moment on a shared
machine weighs on every figure alike. Each figure is the page's median over health's
median in the same run; the statements each request sent are counted too (the server runs
in this process, so its engine can be listened to), and the CPU time of the process
(client and server together) is kept beside the wall time.
"""

from __future__ import annotations

import re
import statistics
import time

import httpx
from sqlalchemy import event
from sqlmodel import Session

from bench.common import ThreadServer, settings_for
from bench.data import Council_

NOTES_FORM = re.compile(r'data-item="(\d+)"[^>]*data-version="(\d+)"')
DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')
PAGES = ("home", "action_list", "minutes_page", "autosave")


def _people(url: str, council: Council_) -> dict[str, tuple[int, int]]:
    """(user id, seat id) of the council's secretary and first member."""
    from app.db import make_engine
    from bench.load import _seats

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            seats = _seats(session, council)
    finally:
        engine.dispose()
    first = {role: (user_id, seat_id) for role, user_id, seat_id in reversed(seats)}
    return {"member": first["member"], "secretary": first["secretary"]}


def measure_pages(url: str, council: Council_, runs: int) -> dict:
    """Each page's median wall and CPU ms, statements per request, and its ratio to /api/health."""
    from app.main import create_app
    from bench.many import browser_cookie

    people = _people(url, council)
    app = create_app(settings_for(url))
    sent: list[str] = []
    event.listen(app.state.engine, "before_cursor_execute", lambda *args, **kw: sent.append(args[2]))
    meeting = council.meeting_id
    with ThreadServer(app) as server:
        base = f"http://127.0.0.1:{server.port}"
        clients = {
            who: httpx.Client(base_url=base, cookies=browser_cookie(url, user_id), timeout=600)
            for who, (user_id, _seat) in people.items()
        }
        try:
            member, secretary = clients["member"], clients["secretary"]
            paths = {
                "home": (member, "/home"),
                "action_list": (member, f"/councils/{council.council_id}/actions?owner_id={people['member'][1]}"),
                "minutes_page": (secretary, f"/meetings/{meeting}/minutes"),
                "health": (member, "/api/health"),
            }
            page = secretary.get(paths["minutes_page"][1])
            page.raise_for_status()
            csrf = DATA_CSRF.search(page.text).group(1)
            versions = {int(n): int(v) for n, v in NOTES_FORM.findall(page.text)}
            item = min(versions)
            typed = iter(range(1, 1_000_000))

            def autosave() -> httpx.Response:
                response = secretary.post(
                    f"/meetings/{meeting}/minutes/items/{item}/autosave",
                    data={"notes": f"Noted, save {next(typed)}.", "version": versions[item], "csrf_token": csrf},
                )
                response.raise_for_status()
                versions[item] = response.json()["version"]
                return response

            def get(name: str):
                client, path = paths[name]
                return lambda: client.get(path).raise_for_status()

            steps = {"autosave": autosave, **{name: get(name) for name in paths}}
            times: dict[str, list[tuple[float, float, int]]] = {name: [] for name in steps}

            def timed(name: str) -> None:
                sent.clear()
                cpu, wall = time.process_time(), time.perf_counter()
                steps[name]()
                times[name].append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, len(sent)))

            for _ in range(2):  # warm-up: the first renders load templates and fill SQLAlchemy's caches
                for name in steps:
                    steps[name]()
            for name in times:
                times[name].clear()
            # The save first: the minutes page after it is cold (the council's stamp moved).
            order = ("autosave", "minutes_page", "home", "action_list", "health")
            for _ in range(runs):
                for name in order:
                    timed(name)
        finally:
            for client in clients.values():
                client.close()
    wall = {name: statistics.median(t[0] for t in rows) for name, rows in times.items()}
    result: dict = {"health_median_ms": round(wall["health"], 3)}
    for name in PAGES:
        rows = times[name]
        result[name] = {
            "median_ms": round(wall[name], 3),
            "cpu_median_ms": round(statistics.median(t[1] for t in rows), 3),
            "statements": statistics.median(t[2] for t in rows),
            "vs_health": round(wall[name] / wall["health"], 2),
            "runs_ms": [round(t[0], 3) for t in rows],
        }
    result["health_runs_ms"] = [round(t[0], 3) for t in times["health"]]
    return result
