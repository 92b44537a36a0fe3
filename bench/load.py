"""Load on PostgreSQL with two workers: people using the pages (Locust), and action updates.

One throwaway PostgreSQL cluster, `councils` generated councils and one `council serve
--workers 2` on a free loopback port serve both runs; all three are always stopped.

1. The load run (`bench/locustfile.py`, Locust headless in a subprocess): 50 people over 10
   councils (members opening the home page, their actions and the agenda; one secretary per
   council saving minutes notes every few seconds; a few chairs publishing the agenda and
   downloading the Word pack now and then) and a monitor asking /api/health at a low rate,
   so health's p50/p95 are measured under the same load. Each page's p50/p95 is reported
   as a ratio to health's; `load_p95_vs_health_p95` is the worst page's p95 over health's.
2. Action updates: `patch_clients` clients over the first `patch_councils` councils, each an
   action's owner PATCHing its note (If-Match), then as many clients asking /api/health;
   `action_patch_rps_vs_health` is the ratio of their requests per second.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from base64 import b64encode
from datetime import timedelta
from pathlib import Path

import httpx
import psutil

from bench.common import ROOT, SECRET_KEY, drive, free_port, settings_for
from bench.data import Council_, Size, generate_many

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
SESSION_COOKIE = "cxc_session"  # app.main.SESSION_COOKIE
# The pages a person opens, in the order the report lists them; health is the yardstick.
PAGES = (
    "home",
    "my actions",
    "agenda page",
    "minutes page",
    "minutes save",
    "publish",
    "agenda after publish",
    "pack download",
)


# -- the people -------------------------------------------------------------------------


def _cookie(user_id: int, sid: str) -> str:
    """The signed session cookie the app's SessionMiddleware would set for this sign-in."""
    import itsdangerous

    data = b64encode(json.dumps({"user_id": user_id, "sid": sid}).encode("utf-8"))
    return itsdangerous.TimestampSigner(SECRET_KEY).sign(data).decode("ascii")


def _seats(session, council: Council_) -> list[tuple[str, int, int]]:
    """(role, user id, seat id) of the council's people: chair, secretary, then members."""
    from sqlmodel import col, select

    from app.models import Membership

    rows = session.exec(
        select(Membership.role, Membership.user_id, Membership.id)
        .where(Membership.council_id == council.council_id)
        .order_by(col(Membership.id))
    )
    return [(str(role), user_id, seat_id) for role, user_id, seat_id in rows]


def sign_in_people(url: str, councils: list[Council_], people: int, chairs: int) -> list[dict]:
    """`people` signed-in browsers over `councils`: a secretary in each, `chairs` chairs, the rest members.

    Each gets a sign-in row and its signed cookie, as logging in would give (without paying
    the password hash 50 times at the start of the run).
    """
    from sqlmodel import Session

    from app.auth import start_session
    from app.db import make_engine
    from app.models import User

    engine = make_engine(url)
    chosen: list[dict] = []
    try:
        with Session(engine) as session:
            seats = {c.council_id: _seats(session, c) for c in councils}
            members = {c.council_id: [s for s in seats[c.council_id] if s[0] == "member"] for c in councils}
            wanted = [(c, "secretary") for c in councils] + [(c, "chair") for c in councils[:chairs]]
            # Members round-robin over the councils until everyone is placed.
            taken = dict.fromkeys(members, 0)
            k = 0
            while len(wanted) < people:
                council = councils[k % len(councils)]
                if taken[council.council_id] < len(members[council.council_id]):
                    wanted.append((council, "member"))
                    taken[council.council_id] += 1
                k += 1
            taken = dict.fromkeys(members, 0)
            for council, role in wanted:
                if role == "member":
                    seat = members[council.council_id][taken[council.council_id]]
                    taken[council.council_id] += 1
                else:
                    seat = next(s for s in seats[council.council_id] if s[0] == role)
                _, user_id, seat_id = seat
                sid = start_session(
                    session=session,
                    user=session.get(User, user_id),
                    kind="browser",
                    lifetime=timedelta(hours=12),
                    user_agent="bench (locust)",
                )
                chosen.append(
                    {
                        "role": role,
                        "council_id": council.council_id,
                        "meeting_id": council.meeting_id,
                        "seat_id": seat_id,
                        "cookie": _cookie(user_id, sid),
                    }
                )
            session.commit()
    finally:
        engine.dispose()
    return chosen


def owners_with_tokens(url: str, councils: list[Council_], per_council: int) -> list[dict]:
    """`per_council` different owners of open actions in each council, each with a bearer token and one action."""
    from sqlmodel import Session, col, select

    from app.auth import create_access_token
    from app.db import make_engine
    from app.models import Action, Membership, User

    engine = make_engine(url)
    clients = []
    try:
        with Session(engine) as session:
            for council in councils:
                seen: set[int] = set()
                rows = session.exec(
                    select(Action.id, Membership.user_id)
                    .join(Membership, Membership.id == Action.owner_id)
                    .where(col(Action.id).in_(council.open_action_ids))
                    .order_by(col(Action.id))
                )
                for action_id, user_id in rows:
                    if user_id in seen:
                        continue
                    seen.add(user_id)
                    token = create_access_token(
                        session=session, user=session.get(User, user_id), settings=settings_for(url), user_agent="bench"
                    )
                    clients.append({"council_id": council.council_id, "action_id": action_id, "token": token})
                    if len(seen) == per_council:
                        break
            session.commit()
    finally:
        engine.dispose()
    return clients


# -- PostgreSQL's own upkeep during the run ----------------------------------------------

# PostgreSQL's counters of its own upkeep: the bench database's tables (autovacuum and auto-analyze runs, and the
# tables never analysed) and the cluster's checkpoints.
UPKEEP = """
    SELECT coalesce(sum(autovacuum_count), 0)::bigint, coalesce(sum(autoanalyze_count), 0)::bigint,
           count(*) FILTER (WHERE last_analyze IS NULL AND last_autoanalyze IS NULL),
           (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)
    FROM pg_stat_user_tables
"""


def upkeep(url: str) -> tuple[int, ...]:
    """(autovacuum runs, auto-analyze runs, tables never analysed, checkpoints) so far."""
    from sqlalchemy import text

    from app.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(text(UPKEEP)).one())
    finally:
        engine.dispose()


def upkeep_during(before: tuple[int, ...], after: tuple[int, ...]) -> dict:
    """What PostgreSQL did for its own upkeep while the people used the pages, and how many tables had no
    planner statistics yet when they came."""
    return {
        "tables_never_analysed": before[2],
        "autovacuums": after[0] - before[0],
        "autoanalyzes": after[1] - before[1],
        "checkpoints": after[3] - before[3],
    }


# -- the server -------------------------------------------------------------------------


def _fresh_folder(prefix: str) -> str:
    """An empty temporary folder, removed when the bench process ends."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def start_server(url: str, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """`council serve --workers N` on a free loopback port, once /api/health answers."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "ENVIRONMENT": "production",
        "COOKIE_SECURE": "false",
        # The workers and their job processes share a chart folder and a pack folder of this run's own
        # (app.charts, app/agendas/cache.py): what an earlier run or another program drew or built never
        # makes this run's first publish cheaper.
        "CHART_CACHE_DIR": _fresh_folder("bench-charts-"),
        "PACK_CACHE_DIR": _fresh_folder("bench-packs-"),
        # The folder the workers share built agendas in, as `council serve` would make it, but the run's own so
        # the report can say how much of the server's warm-up (app/agendas/warm.py) was done when people came.
        "AGENDA_SHARE_DIR": _fresh_folder("bench-agendas-"),
        # Each worker runs the publish jobs (pack, mail) in a job process of its own (what serve sets anyway).
        "JOBS_RUN_IN": "process",
    }
    council_cli = str(Path(sys.executable).parent / "council")
    # The server's errors go to a file (SERVER_LOG, kept for the run): a pipe nobody reads would fill with a few
    # tracebacks and then block every worker that writes one.
    log = Path(_fresh_folder("bench-server-")) / "stderr.log"
    server = subprocess.Popen(
        [council_cli, "serve", "--workers", str(workers), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    server.log = log  # type: ignore[attr-defined]
    server.share = env["AGENDA_SHARE_DIR"]  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    # Two workers each import the app: on a busy shared 2-core machine that alone took 15 s.
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            if server.poll() is None:
                # Reading the stderr of a live server would wait for it forever.
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
            raise RuntimeError(f"council serve did not start: {server_errors(server)}")
        time.sleep(0.1)


def server_errors(server: subprocess.Popen, tail: int = 2000) -> str:
    """The end of what the server wrote to stderr."""
    return server.log.read_text(encoding="utf-8", errors="replace")[-tail:]  # type: ignore[attr-defined]


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# -- 1. the load run --------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(timings: dict[str, list[float]], errors: dict[str, dict[str, int]], seconds: float) -> dict:
    """p50/p95 per page (ms and as ratios to health's), errors per page, and the worst page's p95 ratio."""
    health = timings.get("health") or []
    if not health:
        # Nothing to compare with (a machine too busy for one health check to finish): report, do not guess.
        return {"pages": {}, "errors": errors, "seconds": round(seconds, 1), "worst_page": None, "ratio": None}
    health_p50, health_p95 = statistics.median(health), _percentile(health, 95)
    pages = {}
    for name in (*PAGES, "health"):
        values = timings.get(name) or []
        failed = errors.get(name, {})
        if not values and not failed:
            continue
        row: dict = {"requests": len(values) + sum(failed.values()), "errors": failed}
        if values:
            p50, p95 = statistics.median(values), _percentile(values, 95)
            row |= {
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
                "p50_vs_health": round(p50 / health_p50, 2),
                "p95_vs_health": round(p95 / health_p95, 2),
            }
        pages[name] = row
    measured = {name: row for name, row in pages.items() if name != "health" and "p95_ms" in row}
    worst = max(measured, key=lambda name: measured[name]["p95_ms"]) if measured else None
    return {
        "pages": pages,
        "requests": sum(row["requests"] for row in pages.values()),
        "errors": sum(sum(row["errors"].values()) for row in pages.values()),
        "seconds": round(seconds, 1),
        "worst_page": worst,
        "ratio": measured[worst]["p95_vs_health"] if worst else None,
    }


def publish_jobs(url: str) -> dict:
    """The publish jobs of the run: how many, their outcome, the CPU each took in its job process, and how long
    after the publish its mail was queued (p50/p95, ms)."""
    from sqlmodel import Session, select

    from app.db import make_engine
    from app.models import Job

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            jobs = session.exec(select(Job)).all()
    finally:
        engine.dispose()
    done = [j for j in jobs if j.finished_at is not None and "cpu_ms" in j.payload]
    cpu = [j.payload["cpu_ms"] for j in done]
    queued_after = [(j.finished_at - j.created_at).total_seconds() * 1000 for j in done]
    statuses = {status: sum(1 for j in jobs if j.status == status) for status in sorted({j.status for j in jobs})}
    report: dict = {"jobs": len(jobs), "statuses": statuses}
    if done:
        report |= {
            "cpu_ms_p50": round(statistics.median(cpu)),
            "cpu_ms_max": max(cpu),
            "mail_queued_after_ms_p50": round(statistics.median(queued_after)),
            "mail_queued_after_ms_p95": round(_percentile(queued_after, 95)),
        }
    return report


def warm_up(base: str, people: list[dict]) -> float:
    """Open each kind of page a few times first, so the workers' first renders (templates, imports) are not timed."""
    started = time.perf_counter()
    by_role = {p["role"]: p for p in people}
    with httpx.Client(base_url=base, timeout=120) as client:
        for person in by_role.values():
            cookies = {SESSION_COOKIE: person["cookie"]}
            meeting = person["meeting_id"]
            paths = ["/home", f"/councils/{person['council_id']}/actions", f"/meetings/{meeting}/agenda"]
            if person["role"] != "member":
                paths += [f"/meetings/{meeting}/minutes", f"/api/meetings/{meeting}/agenda.docx"]
            for _ in range(2):  # two workers
                for path in paths:
                    client.get(path, cookies=cookies)
    return round(time.perf_counter() - started, 1)


def run_locust(  # noqa: PLR0913
    base: str,
    people: list[dict],
    *,
    seconds: float,
    max_requests: int,
    health_every: float,
    pace: float,
    spawn_rate: float | None = None,
    server_pid: int | None = None,
    postgres_pid: int | None = None,
) -> dict:
    """Locust headless in a subprocess (it patches the process with gevent), timings back through a file.

    `spawn_rate`: people started a second (None: all of them in the first second), inside the timed run;
    `server_pid`, `postgres_pid`: the server's and the cluster's, so that the CPU of the people's arrival is told
    by kind (`arrival_cpu`)."""
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        people_file, out_file = Path(tmp) / "people.json", Path(tmp) / "timings.json"
        people_file.write_text(json.dumps(people), encoding="utf-8")
        counts = {role: sum(1 for p in people if p["role"] == role) for role in ("member", "secretary", "chair")}
        users = len(people) + 1  # the people and one health monitor
        env = {
            **os.environ,
            "LOAD_PEOPLE": str(people_file),
            "LOAD_OUT": str(out_file),
            "LOAD_MAX_REQUESTS": str(max_requests),
            "LOAD_HEALTH_EVERY": str(health_every),
            "LOAD_PACE": str(pace),
            "LOAD_NEEDED": ",".join(
                [*PAGES[:3], "minutes save", "health"]
                + (["publish", "agenda after publish", "pack download"] if counts["chair"] else [])
            ),
            **{f"LOAD_{role.upper()}S": str(n) for role, n in counts.items()},
        }
        locust = str(Path(sys.executable).parent / "locust")
        command = [
            locust, "-f", str(LOCUSTFILE), "--headless", "--host", base,
            "-u", str(users), "-r", str(spawn_rate or users), "-t", f"{max(1, round(seconds))}s",
            "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        log_file = Path(tmp) / "locust.log"
        started = time.perf_counter()
        with log_file.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                cpu = arrival_cpu(process.pid, server_pid, postgres_pid, seconds=min(10, seconds))
                returncode = process.wait(timeout=seconds + 120)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
        elapsed = time.perf_counter() - started
        if not out_file.exists():
            said = log_file.read_text(encoding="utf-8")[-2000:]
            raise RuntimeError(f"locust wrote no timings (exit {returncode}): {said}")
        measured = json.loads(out_file.read_text(encoding="utf-8"))
    summary = summarise(measured["timings"], measured["errors"], measured.get("seconds", elapsed))
    summary["timeline"] = timeline(measured["timings"], measured.get("at", {}))
    summary["arrival_cpu"] = cpu
    if keep := os.environ.get("LOAD_TIMINGS_OUT"):
        # Every request's time and start, for a closer look (not part of the figures).
        Path(keep).write_text(json.dumps(measured), encoding="utf-8")
    arrival = {"spawn_rate_per_s": spawn_rate or users}
    return {"people": counts, "monitor": {"health_every_s": health_every}, "pace": pace, **arrival, **summary}


# -- whose CPU the arrival took ----------------------------------------------------------

# The kinds of process whose CPU `cpu_by_kind` adds up, in the order it reports them.
CPU_KINDS = ("workers", "job processes", "postgres", "people (Locust)", "bench", "other")


def _cpu_seconds() -> dict[int, tuple[int, float, float]]:
    """Every process on the machine: pid -> (parent pid, CPU seconds so far, seconds waited for a CPU so far)."""
    found = {}
    for process in psutil.process_iter(["ppid", "cpu_times"]):
        times = process.info["cpu_times"]
        if times is not None:  # a process that ended, or that this user may not read
            found[process.pid] = (process.info["ppid"], times.user + times.system, _waited(process.pid))
    return found


def _waited(pid: int) -> float:
    """Seconds the threads of `pid` have spent ready to run but waiting for a CPU (the second field of Linux's
    /proc/PID/task/TID/schedstat; 0 where it cannot be read). A thread that ended takes its count with it."""
    waited = 0
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError, IndexError), open(f"/proc/{pid}/task/{task}/schedstat") as f:
                waited += int(f.read().split()[1])
    return waited / 1e9


def _ended(pid: int | None) -> bool:
    """Whether this process's child `pid` has exited, without waiting for it (it stays a zombie, readable)."""
    return pid is not None and os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None


def _kind(pid: int, processes: dict[int, tuple[int, float, float]], roots: dict[int, tuple[str, ...]]) -> str:
    """Which of CPU_KINDS `pid` is: `roots` maps a process to the kinds of itself, its children and (the last
    one) everything further down (the server: its workers, then their job processes; PostgreSQL's postmaster:
    its server processes; this process: Locust); anything else is "other"."""
    chain = [pid]
    while chain[-1] not in roots and chain[-1] in processes and len(chain) < 16:
        chain.append(processes[chain[-1]][0])
    kinds = roots.get(chain[-1])
    if kinds is None:
        return "other"
    return kinds[min(len(chain) - 1, len(kinds) - 1)]


def cpu_by_kind(before: dict, after: dict, seconds: float, roots: dict[int, tuple[str, ...]]) -> dict:
    """The CPU each kind of process (`_kind`) took between two `_cpu_seconds` (a process started in between
    counts whole), as seconds and as a share of the machine's CPU in that time. "other" is everything else that
    ran on the machine: another program's load, to read the run's figures by. `waited_s`: the seconds each kind's
    threads were ready to run but waited for a CPU (`_waited`; summed over threads, so it can exceed the window)."""
    taken, waited = dict.fromkeys(CPU_KINDS, 0.0), dict.fromkeys(CPU_KINDS, 0.0)
    for pid, (_parent, cpu, wait) in after.items():
        earlier = before.get(pid, (0, 0.0, 0.0))
        kind = _kind(pid, after, roots)
        taken[kind] += max(0.0, cpu - earlier[1])
        waited[kind] += max(0.0, wait - earlier[2])
    cores = psutil.cpu_count() or 1
    return {
        "window_s": seconds,
        "cores": cores,
        "cpu_s": {kind: round(value, 2) for kind, value in taken.items()},
        "share": {kind: round(value / (seconds * cores), 3) for kind, value in taken.items()},
        "waited_s": {kind: round(value, 2) for kind, value in waited.items()},
    }


def arrival_cpu(people_pid: int, server_pid: int | None, postgres_pid: int | None, seconds: float = 10) -> dict:
    """Whose CPU the people's first `seconds` took (`cpu_by_kind`): `people_pid` is Locust's (this process's
    child), `server_pid` `council serve`'s, `postgres_pid` the cluster's postmaster (None: not told apart).
    The window ends after `seconds`, or sooner once Locust has exited: read then, before Locust is waited for, its
    CPU still counts (a process already waited for is gone from the list, its CPU with it)."""
    roots: dict[int, tuple[str, ...]] = {os.getpid(): ("bench", "people (Locust)")}
    if server_pid is not None:
        roots[server_pid] = ("workers", "workers", "job processes")
    if postgres_pid is not None:
        roots[postgres_pid] = ("postgres",)
    before = _cpu_seconds()
    started = time.perf_counter()
    while time.perf_counter() - started < seconds and not _ended(people_pid):
        time.sleep(0.05)
    return cpu_by_kind(before, _cpu_seconds(), round(time.perf_counter() - started, 2), roots)


def timeline(timings: dict[str, list[float]], at: dict[str, list[float]], window: float = 10) -> dict:
    """When the slow answers came: per `window` seconds of the run, the people's requests and their p95, and
    health's p95 (ms); and the ten slowest page requests as [page, started at (s), ms]."""
    windows: dict[int, dict[str, list[float]]] = {}
    slowest = []
    for name, values in timings.items():
        starts = at.get(name) or []
        for ms, start in zip(values, starts, strict=False):
            kind = "health" if name == "health" else "pages"
            windows.setdefault(max(0, int(start // window)), {"pages": [], "health": []})[kind].append(ms)
            if name != "health":
                slowest.append([name, start, round(ms)])
    rows = []
    for index in sorted(windows):
        pages, health = windows[index]["pages"], windows[index]["health"]
        rows.append(
            {
                "from_s": index * window,
                "requests": len(pages),
                "p95_ms": round(_percentile(pages, 95)) if pages else None,
                "health_p95_ms": round(_percentile(health, 95)) if health else None,
            }
        )
    return {"window_s": window, "windows": rows, "slowest": sorted(slowest, key=lambda r: -r[2])[:10]}


# -- 2. action updates ------------------------------------------------------------------


def measure_action_patch(base: str, clients: list[dict], seconds: float, limit: int) -> dict:
    """Each client PATCHes its own action's note (If-Match), then as many clients ask /api/health."""

    def patch(client: httpx.Client, index: int, state: dict) -> bool:
        action_id = clients[index]["action_id"]
        headers = {"Authorization": f"Bearer {clients[index]['token']}"}
        if "etag" not in state:
            state["etag"] = client.get(f"/api/actions/{action_id}", headers=headers).headers.get("ETag")
        response = client.patch(
            f"/api/actions/{action_id}",
            json={"note": f"Progress from client {index}"},
            headers={**headers, "If-Match": state["etag"]},
        )
        state["etag"] = response.headers.get("ETag", state["etag"])
        return response.status_code == 200

    def health(client: httpx.Client, index: int, state: dict) -> bool:
        return client.get("/api/health").status_code == 200

    writes = drive(base, clients[0]["token"], len(clients), seconds, limit, patch)
    reads = drive(base, clients[0]["token"], len(clients), seconds, limit, health)
    return {
        "clients": len(clients),
        "councils": len({c["council_id"] for c in clients}),
        "workers": 2,
        "patch": {**writes, "rps": round(writes["rps"], 1)},
        "health": {**reads, "rps": round(reads["rps"], 1)},
        # None when a machine too busy to start the clients in time measured no health check.
        "ratio": round(writes["rps"] / reads["rps"], 3) if reads["rps"] else None,
    }


def statements_per_patch(url: str, owner: dict) -> int:
    """The SQL statements one PATCH of an action's note sends (in process, on the same database)."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from tests.helpers import count_statements

    app = create_app(settings_for(url))
    path, headers = f"/api/actions/{owner['action_id']}", {"Authorization": f"Bearer {owner['token']}"}
    with TestClient(app) as client:
        etag = client.get(path, headers=headers).headers["ETag"]
        with count_statements(app.state.engine) as sent:
            response = client.patch(path, json={"note": "Counted"}, headers={**headers, "If-Match": etag})
    if response.status_code != 200:
        raise RuntimeError(f"the counted PATCH answered {response.status_code}: {response.text[:500]}")
    return len(sent)


# -- both, on one cluster and one server ------------------------------------------------


def measure_load(  # noqa: PLR0913
    *,
    size: Size,
    councils: int = 10,
    people: int = 50,
    chairs: int = 3,
    seconds: float = 60,
    max_requests: int = 20_000,
    health_every: float = 0.5,
    pace: float = 1.0,
    spawn_rate: float | None = None,
    patch_councils: int = 8,
    patch_clients: int = 32,
    patch_seconds: float = 20,
    patch_limit: int = 2000,
) -> dict:
    """Both runs on PostgreSQL; {"load": …, "action_patch": …}, each with its "ratio" (None without PostgreSQL)."""
    from tests.pg import PostgresCluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL not found under /usr/lib/postgresql: skipping the load run and action updates.")
        note = {"note": "PostgreSQL not installed", "ratio": None}
        return {"load": note, "action_patch": note}
    cluster = PostgresCluster(bin_dir)
    server: subprocess.Popen | None = None
    try:
        cluster.start()
        url = cluster.create_database("bench")
        started = time.perf_counter()
        generated = generate_many(url, [size] * councils)
        generate_s = round(time.perf_counter() - started, 1)
        print(f"generated {councils} {size.name} councils on PostgreSQL in {generate_s} s")
        browsers = sign_in_people(url, generated, people, chairs)
        owners = owners_with_tokens(url, generated[:patch_councils], patch_clients // patch_councils)
        server, base = start_server(url)
        warm_s = warm_up(base, browsers)
        # The agendas the server had built ahead (its own warm-up, and the bench's) when the people came.
        built_ahead = len(list(Path(server.share).glob("*.agenda")))  # type: ignore[attr-defined]
        before = upkeep(url)
        load = run_locust(
            base,
            browsers,
            seconds=seconds,
            max_requests=max_requests,
            health_every=health_every,
            pace=pace,
            spawn_rate=spawn_rate,
            server_pid=server.pid,
            postgres_pid=cluster.postmaster_pid(),
        )
        load |= {"councils": councils, "size": size.name, "generate_s": generate_s, "warm_up_s": warm_s, "workers": 2}
        load["agendas_built_ahead"] = built_ahead
        load["postgres_upkeep"] = upkeep_during(before, upkeep(url))
        load["publish_jobs"] = publish_jobs(url)
        print(f"load run: {load['requests']} requests, worst page {load['worst_page']} p95 {load['ratio']} × health")
        if load["errors"]:
            print(f"the server's errors (the end of its stderr):\n{server_errors(server)}")
        action_patch = measure_action_patch(base, owners, patch_seconds, patch_limit)
        action_patch["statements_per_patch"] = statements_per_patch(url, owners[0])
        return {"load": load, "action_patch": action_patch}
    finally:
        if server is not None:
            stop_server(server)
        cluster.stop()
