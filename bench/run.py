"""`make bench`: measure the figures of issues 7 and 12 side by side and write `bench/results.json`.

    python -m bench.run [--tiny] [--skip-postgres] [--out PATH]

Each figure is a ratio or a count where it can be, so that it means the same on a slow
machine as on a fast one. Nothing here asserts: it reports each figure, its target and
whether it was met. Servers and the PostgreSQL cluster are always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import event
from sqlmodel import Session

from bench.data import SIZES, Council_, generate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
SECRET_KEY = "bench-secret-key-" + "0123456789abcdef" * 2

# key: (target description, test on the value)
TARGETS: dict[str, tuple[str, Callable[[float], bool] | None]] = {
    "agenda_queries_small": ("≤ 15, = large", lambda v: v <= 15),
    "agenda_queries_large": ("≤ 15, = small", lambda v: v <= 15),
    "agenda_ms": ("≤ 50 ms", lambda v: v <= 50),
    "agenda_growth": ("≤ 1.5", lambda v: v <= 1.5),
    "agenda_http_vs_health": ("≤ 40", lambda v: v <= 40),
    "minutes_docx_vs_pandoc": ("≤ 0.5", lambda v: v <= 0.5),
    "action_patch_rps_vs_health": ("report", None),
    "feedback_import_100k_s": ("≤ 20 s", lambda v: v <= 20),
    "feedback_theme_100k_s": ("≤ 20 s", lambda v: v <= 20),
}


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


# -- the agenda, in process ------------------------------------------------------------


def measure_agenda(url: str, council: Council_, runs: int) -> dict:
    """Statements per load_agenda_data, and the median load + build time."""
    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.db import make_engine
    from app.main import settle_heap
    from app.models import Council, Meeting

    engine = make_engine(url)
    statements: list[str] = []
    # As the server does once it has started (app.main.settle_heap): without it a full
    # collection walks every module and class again, 100 ms in the middle of a build.
    settle_heap()

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def build_once() -> object:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            return build_agenda(load_agenda_data(session=session, council=c, meeting=m))

    try:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            event.listen(engine, "before_cursor_execute", count)
            try:
                data = load_agenda_data(session=session, council=c, meeting=m)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            agenda = build_agenda(data)
        median, times = median_ms(build_once, runs)
    finally:
        engine.dispose()
    return {
        "queries": len(statements),
        "median_ms": round(median, 3),
        "runs_ms": times,
        "open_actions_loaded": len(data.actions),
        "sections": len(agenda.sections),
    }


# -- the agenda over HTTP ----------------------------------------------------------------


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


# -- the minutes in Word against pandoc --------------------------------------------------


def large_minutes(*, decisions: int = 60, actions: int = 80, attendees: int = 30):
    """A large meeting recorded in full, built directly as the typed MinutesDoc."""
    from app.agendas.model import SECTION_KEYS, SECTION_TITLES, ActionRow, Header, MeasureRow, Person, Point
    from app.minutes import model as mm

    at = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    seats = [
        mm.AttendanceRow(
            membership_id=n,
            name=f"Person {n:02d}",
            role="chair" if n == 1 else "secretary" if n == 2 else "member",
            department=None if n <= 2 else f"Department {n:02d}",
            is_external=n % 10 == 0,
            status=["present", "present", "present", "apologies", "delegate", "absent"][n % 6],
            delegate_name="A. Delegate" if n % 6 == 4 else "",
            note="On leave" if n % 6 == 3 else "",
        )
        for n in range(1, attendees + 1)
    ]
    decision_rows = [
        mm.DecisionRow(
            id=n,
            number=n,
            item_number=n % 9 + 1,
            text=f"Decision {n}: adopt the proposal as amended, review at the next meeting.",
            created_by="Person 02",
            created_at=at,
        )
        for n in range(1, decisions + 1)
    ]
    action_rows = [
        ActionRow(
            id=1000 + n,
            title=f"Action {n}: follow up the complaint themes with the department",
            owner_name=f"Person {n % attendees + 1:02d}",
            department=f"Department {n % 40:02d}",
            due_on=date(2026, 4, 1) + timedelta(days=n),
            status=["open", "in_progress", "blocked", "done"][n % 4],
            percent_complete=(n * 7) % 100,
            overdue=False,
            days_overdue=0,
        )
        for n in range(1, actions + 1)
    ]
    notes = (
        "The council reviewed the figures for the month.\n"
        "- Repeat contacts fell for the third month running\n"
        "- Two departments asked for more time\n\n"
        "The chair asked for the verbatims by segment before the next meeting."
    )
    items = [
        mm.MinutesItemRow(
            number=n,
            key=key,
            title=SECTION_TITLES[key],
            notes=f"Item {n}. {notes}",
            decisions=[d for d in decision_rows if d.item_number == n],
            actions_raised=[a for i, a in enumerate(action_rows) if i % 9 + 1 == n],
            updated_at=at,
        )
        for n, key in enumerate(SECTION_KEYS, start=1)
    ]
    trend = [Point(period=date(2025, month, 1), value=20 + month) for month in range(1, 13)]
    measures = [
        MeasureRow(
            id=20 + k,
            name=f"Overall measure {k}",
            kind="nps",
            category="survey_rating",
            unit="",
            direction="higher_is_better",
            target=30,
            owner_name="Person 01",
            scope="overall",
            department=None,
            journey=None,
            latest=trend[-1],
            previous=trend[-2],
            change=1.0,
            on_target=True,
            movement="improving",
            status="green",
            stale=False,
            trend=trend,
            chart_url="",
        )
        for k in range(1, 4)
    ]
    header = Header(
        council_id=1,
        council_name="Bench council",
        meeting_id=1,
        number=61,
        title="Meeting 61",
        scheduled_at=at,
        timezone="Europe/London",
        date=at.date(),
        start_time="09:00",
        end_time="11:00",
        duration_minutes=120,
        location="Room 4",
        expected_attendees=[Person(membership_id=s.membership_id, name=s.name, role=s.role) for s in seats],
        apologies=[],
        previous_meeting=None,
    )
    return mm.MinutesDoc(
        meeting=header,
        status="circulated",
        version=3,
        agenda_version=1,
        attendance=seats,
        quorum=mm.Quorum(
            met=True,
            present=15,
            required_members=15,
            departments_represented=12,
            required_departments=0,
            statement="Quorate: 15 of 28 members present (15 required).",
        ),
        previous_minutes_approved=True,
        previous_minutes_note="Approved as a true record.",
        items=items,
        decisions=decision_rows,
        aob=[
            mm.AobOutcome(id=1, title="Office move", details="From June.", submitted_by="Person 05", outcome="Noted.")
        ],
        open_actions=[a for a in action_rows if a.status != "done"],
        overall_measures=measures,
        amendments=[],
        next_meeting=date(2026, 4, 13),
        next_meeting_note="Room 4.",
        circulated_at=at + timedelta(days=2),
        approved_at=None,
        approved_by=None,
    )


def minutes_markdown(doc) -> str:
    """The same content as Markdown, for pandoc: headings, paragraphs, lists and pipe tables."""

    def table(header: list[str], rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"

    h = doc.meeting
    out = [f"# {h.council_name}: minutes of meeting {h.number}\n", f"{h.date:%d %B %Y}, {h.location}\n"]
    out.append("## Attendance\n")
    out.append(
        table(
            ["Name", "Role", "Department", "Status"],
            [[s.name, s.role, s.department or "", s.status or ""] for s in doc.attendance],
        )
    )
    out.append(doc.quorum.statement + "\n")
    for item in doc.items:
        out.append(f"# {item.number}. {item.title}\n")
        out.append(item.notes + "\n")
        for d in item.decisions:
            out.append(f"**D{d.number}.** {d.text}\n")
        if item.actions_raised:
            out.append(
                table(
                    ["Action", "Owner", "Due", "Status"],
                    [[a.title, a.owner_name, str(a.due_on), a.status] for a in item.actions_raised],
                )
            )
    out.append("# Decision register\n")
    out.append(
        table(["No.", "Item", "Decision"], [[f"D{d.number}", str(d.item_number), d.text] for d in doc.decisions])
    )
    out.append("# Open actions\n")
    out.append(
        table(
            ["Action", "Owner", "Department", "Due", "Status"],
            [[a.title, a.owner_name, a.department or "", str(a.due_on), a.status] for a in doc.open_actions],
        )
    )
    return "\n".join(out)


def measure_minutes_docx(runs: int) -> dict:
    from app.charts import measure_chart_png
    from app.docx.minutes import build_minutes_docx

    doc = large_minutes()
    build = lambda: build_minutes_docx(doc, template=None, charts=measure_chart_png)  # noqa: E731
    build()  # warms the chart cache: charts are drawn once per measure and period
    docx_ms, docx_times = median_ms(build, runs)
    result: dict = {"docx_median_ms": round(docx_ms, 3), "docx_runs_ms": docx_times, "docx_bytes": len(build())}
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("pandoc not found: install it (apt-get install -y --no-install-recommends pandoc) for this figure.")
        return {**result, "pandoc_median_ms": None, "ratio": None, "note": "pandoc not installed"}
    with tempfile.TemporaryDirectory(prefix="bench-pandoc-") as tmp:
        source = Path(tmp) / "minutes.md"
        source.write_text(minutes_markdown(doc), encoding="utf-8")
        target = Path(tmp) / "minutes.docx"

        def convert() -> None:
            subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(target), str(source)], check=True)

        pandoc_ms, pandoc_times = median_ms(convert, runs)
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {
        **result,
        "pandoc_median_ms": round(pandoc_ms, 3),
        "pandoc_runs_ms": pandoc_times,
        "pandoc": version,
        "ratio": round(docx_ms / pandoc_ms, 3),
    }


# -- writes against PostgreSQL with two workers ------------------------------------------


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


# -- the run --------------------------------------------------------------------------


def verdict(key: str, value) -> str:
    target, test = TARGETS[key]
    if value is None:
        return "n/a"
    if test is None:
        return "reported"
    return "pass" if test(value) else "FAIL"


def print_table(results: dict) -> None:
    print()
    print(f"{'figure':<28} {'value':>10}  {'target':<16} result")
    print("-" * 66)
    for key in TARGETS:
        value = results[key]
        shown = "null" if value is None else f"{value:g}"
        print(f"{key:<28} {shown:>10}  {TARGETS[key][0]:<16} {verdict(key, value)}")
    m = results["machine"]
    print(f"\nmachine: {m['nproc']} CPUs, {m['memory']}, Python {m['python']}, {m['platform']}, {m['date']}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a tiny dataset, few runs (for the test)")
    parser.add_argument("--skip-postgres", action="store_true", help="skip the PostgreSQL write load")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the JSON (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="bench-mpl-"))

    small, large = (SIZES["tiny"], SIZES["tiny"]) if args.tiny else (SIZES["small"], SIZES["large"])
    agenda_runs, http_runs, docx_runs = (3, 5, 2) if args.tiny else (15, 30, 10)
    raw: dict = {"datasets": {"small": small.__dict__, "large": large.__dict__}}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        urls = {}
        councils = {}
        for label, size in (("small", small), ("large", large)):
            started = time.perf_counter()
            urls[label] = f"sqlite:///{tmp}/{label}.db"
            councils[label] = generate(urls[label], size)
            raw["datasets"][label]["generate_s"] = round(time.perf_counter() - started, 2)
            print(f"generated the {label} council ({size.name}) in {raw['datasets'][label]['generate_s']} s")
        raw["agenda_small"] = measure_agenda(urls["small"], councils["small"], agenda_runs)
        raw["agenda_large"] = measure_agenda(urls["large"], councils["large"], agenda_runs)
        print("measured the agenda in process")
        raw["agenda_http"] = measure_agenda_http(urls["small"], councils["small"], http_runs)
        print("measured the agenda over HTTP")
        from bench.feedback import measure_feedback

        raw["feedback"] = measure_feedback(f"sqlite:///{tmp}/feedback.db", 2_000 if args.tiny else 100_000)
        print(f"measured feedback: {raw['feedback']['rows']:,} responses")
    raw["minutes_docx"] = measure_minutes_docx(docx_runs)
    print("measured the Word minutes")
    if args.skip_postgres:
        raw["action_patch"] = {"note": "skipped (--skip-postgres)", "ratio": None}
    else:
        if args.tiny:
            raw["action_patch"] = measure_action_patch(clients=32, seconds=3, limit=200)
        else:
            raw["action_patch"] = measure_action_patch()
        print("measured action updates on PostgreSQL")

    results = {
        "agenda_queries_small": raw["agenda_small"]["queries"],
        "agenda_queries_large": raw["agenda_large"]["queries"],
        "agenda_ms": raw["agenda_small"]["median_ms"],
        "agenda_growth": round(raw["agenda_large"]["median_ms"] / raw["agenda_small"]["median_ms"], 3),
        "agenda_http_vs_health": raw["agenda_http"]["ratio"],
        "minutes_docx_vs_pandoc": raw["minutes_docx"]["ratio"],
        "action_patch_rps_vs_health": raw["action_patch"]["ratio"],
        # Seconds for 100,000 responses (2,000 with --tiny; raw.feedback.rows says which).
        "feedback_import_100k_s": raw["feedback"]["import_s"],
        "feedback_theme_100k_s": raw["feedback"]["theme_s"],
        "machine": machine(),
        "raw": raw,
    }
    results["targets"] = {key: {"target": TARGETS[key][0], "result": verdict(key, results[key])} for key in TARGETS}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nwrote {args.out}")
    return results


if __name__ == "__main__":
    main()
