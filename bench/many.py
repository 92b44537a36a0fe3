"""One council among 1,000 in one database against the same council alone (issue 17, item 5).

    python -m bench.many URL [--councils 1000] [--five-year 10]     # fill a database, as an operator would try it

`build_many` writes the many-council database: mostly small "starter" councils
(`bench.data.starter`: a year or two of meetings, a few hundred actions, themed feedback in
every tenth, papers in every hundredth) and a few five-year ones spread among them. The
measured council is one of those five-year councils, in the middle of the tables, generated
with the same seed and size as the council of the database that holds it alone, so both
databases hold the same council and only its neighbours differ.

`measure_many` times the same reads in both, alternating the databases run by run so that
a busy machine slows both alike: the cold in-process agenda build (as bench/agenda.py measures
it) and, on two live servers, the pages people open most. Each figure is big ÷ alone.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bench.common import SECRET_KEY, ThreadServer, settings_for, token_for
from bench.data import SEED, SIZES, Council_, Size, generate, generate_many, starter

# The measured council: the five-year council with minutes for its held meetings.
FIVE_YEAR = replace(SIZES["small"], name="five-year", minutes=True)
TINY = replace(SIZES["tiny"], minutes=True)


def many_sizes(councils: int, five_year: int, big: Size = FIVE_YEAR) -> tuple[list[Size], list[int], int]:
    """The sizes and seeds of `councils` councils, `five_year` of them `big`, and the measured one's index.

    The five-year councils are spread evenly; the measured one (seed SEED, as `generate` gives
    the council alone) is the one nearest the middle. The others take SEED + 1 + k.
    """
    step = councils // max(1, five_year)
    big_at = {step // 2 + i * step for i in range(five_year)}
    measured = min(sorted(big_at), key=lambda k: abs(k - councils // 2))
    sizes = [big if k in big_at else starter(k) for k in range(councils)]
    seeds = [SEED if k == measured else SEED + 1 + k for k in range(councils)]
    return sizes, seeds, measured


def build_many(
    url: str, councils: int = 1000, five_year: int = 10, *, big: Size = FIVE_YEAR, quiet: bool = False
) -> Council_:
    """Fill the empty database at `url` with `councils` councils; answer the measured one."""
    sizes, seeds, measured = many_sizes(councils, five_year, big)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if not quiet and (done % 100 == 0 or done == councils):
            print(f"  {done:,} councils ({time.perf_counter() - started:.0f} s)", flush=True)

    return generate_many(url, sizes, seeds=seeds, per_commit=50, progress=progress, interleave=True)[measured]


# -- signing in -----------------------------------------------------------------------


def browser_cookie(url: str, user_id: int) -> dict[str, str]:
    """The session cookie of a new browser sign-in for `user_id`, as the sign-in form would set it."""
    from itsdangerous import TimestampSigner

    from app.auth import SESSION_ID_KEY, SESSION_USER_KEY, start_session
    from app.db import make_engine
    from app.main import SESSION_COOKIE
    from app.models import User

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            sid = start_session(
                session=session, user=session.get(User, user_id), kind="browser", lifetime=timedelta(hours=2)
            )
            session.commit()
    finally:
        engine.dispose()
    # Starlette's SessionMiddleware: base64 JSON, signed with the secret key.
    data = base64.b64encode(json.dumps({SESSION_USER_KEY: user_id, SESSION_ID_KEY: sid}).encode())
    return {SESSION_COOKIE: TimestampSigner(SECRET_KEY).sign(data).decode()}


# -- measuring ------------------------------------------------------------------------


def _agenda_build(url: str, council: Council_) -> tuple[Callable[[], object], Callable[[], None]]:
    """A cold in-process agenda build of the council's next meeting, and what disposes its engine."""
    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.db import make_engine
    from app.models import Council, Meeting

    engine = make_engine(url)

    def build_once() -> object:
        with Session(engine) as session:
            c = session.get(Council, council.council_id)
            m = session.get(Meeting, council.meeting_id)
            return build_agenda(load_agenda_data(session=session, council=c, meeting=m))

    return build_once, engine.dispose


def _pages(council: Council_) -> dict[str, tuple[str, str]]:
    """Each measured read: (who reads it, the path)."""
    c, m = council.council_id, council.meeting_id
    held = m - 1  # the last held meeting, whose minutes are a draft
    return {
        "agenda_json_cold": ("chair", f"/api/meetings/{m}/agenda"),
        "agenda_page_cold": ("chair", f"/meetings/{m}/agenda"),
        "minutes_json": ("chair", f"/api/meetings/{held}/minutes"),
        "minutes_page": ("chair", f"/meetings/{held}/minutes"),
        "action_log_json": ("chair", f"/api/councils/{c}/actions"),
        "action_log_page": ("chair", f"/councils/{c}/actions"),
        "measures_page": ("chair", f"/councils/{c}/measures"),
        "scorecard_page": ("chair", f"/councils/{c}/scorecard"),
        "council_home_page": ("member", f"/councils/{c}"),
        "home_page": ("member", "/home"),
    }


def _timed(fn: Callable[[], object], times: list[tuple[float, float]]) -> None:
    """Run `fn` and note its wall time and this process's CPU time (ms).

    The CPU time is what the work itself cost: on a machine shared with other busy processes
    the wall time also holds their turns on the CPU. The servers run in this process, so a
    request's CPU time is the client's and the server's together.
    """
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    times.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))


def _summary(alone: list[tuple[float, float]], big: list[tuple[float, float]]) -> dict:
    """The medians, and the ratio as the median of each alternated pair's own ratio (the k-th run in the big
    database over the k-th alone, timed one after the other).

    A ratio of the two medians is not robust to the machine changing speed during the runs: in one bench (05:30,
    2026-12-01) the first seven pairs took about 65 ms each and the last eight about 43, so the median of the
    alone runs came from the fast half and that of the big runs from a run in between: 1.30, while every pair
    said 1.04-1.10 (the median pair 1.08). Each pair is measured at the same moment, so its ratio is not."""
    wall = [statistics.median(t[0] for t in runs) for runs in (alone, big)]
    cpu = [statistics.median(t[1] for t in runs) for runs in (alone, big)]
    paired = statistics.median(b[0] / a[0] for a, b in zip(alone, big, strict=True))
    return {
        "ratio": round(paired, 3),
        "ratio_of_medians": round(wall[1] / wall[0], 3),
        "alone_median_ms": round(wall[0], 3),
        "many_median_ms": round(wall[1], 3),
        "cpu_ratio": round(cpu[1] / cpu[0], 3) if cpu[0] else None,
        "alone_cpu_median_ms": round(cpu[0], 3),
        "many_cpu_median_ms": round(cpu[1], 3),
        "alone_runs_ms": [round(t[0], 3) for t in alone],
        "many_runs_ms": [round(t[0], 3) for t in big],
    }


def measure_agenda_pair(pair: dict[str, tuple[str, Council_]], runs: int) -> dict:
    """The cold in-process agenda build in each database, alternating, after one warm-up each."""
    from app.main import settle_heap

    settle_heap()
    builds = {label: _agenda_build(url, council) for label, (url, council) in pair.items()}
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in pair}
    try:
        for build, _ in builds.values():
            build()
        for run in range(runs):
            order = list(builds) if run % 2 == 0 else list(reversed(builds))
            for label in order:
                _timed(builds[label][0], times[label])
    finally:
        for _, dispose in builds.values():
            dispose()
    return _summary(times["alone"], times["many"])


def measure_pages_pair(pair: dict[str, tuple[str, Council_]], runs: int) -> dict:
    """Each page on a live server per database, alternating the databases run by run."""
    from app.agendas.cache import AgendaCache
    from app.main import create_app, settle_heap

    servers, clients = {}, {}
    try:
        for label, (url, council) in pair.items():
            app = create_app(settings_for(url))
            server = ThreadServer(app).__enter__()
            servers[label] = (app, server)
            base = f"http://127.0.0.1:{server.port}"
            member_user = council.chair_user_id + 2  # the first member (a department's seat)
            clients[label] = {
                "chair": httpx.Client(
                    base_url=base,
                    headers={"Authorization": f"Bearer {token_for(url, council.chair_user_id)}"},
                    cookies=browser_cookie(url, council.chair_user_id),
                    timeout=60,
                ),
                "member": httpx.Client(base_url=base, cookies=browser_cookie(url, member_user), timeout=60),
            }
        settle_heap()

        def read(label: str, page: str) -> Callable[[], None]:
            who, path = _pages(pair[label][1])[page]
            app = servers[label][0]

            def get() -> None:
                if page.endswith("_cold"):
                    app.state.agenda_cache = AgendaCache()
                response = clients[label][who].get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")

            return get

        health: dict[str, list[tuple[float, float]]] = {label: [] for label in pair}
        result = {}
        for page in _pages(pair["alone"][1]):
            times: dict[str, list[tuple[float, float]]] = {label: [] for label in pair}
            for label in pair:
                read(label, page)()  # a warm-up each
            for run in range(runs):
                order = list(pair) if run % 2 == 0 else list(reversed(list(pair)))
                for label in order:
                    _timed(read(label, page), times[label])
                    _timed(lambda c=clients[label]["chair"]: c.get("/api/health"), health[label])
            result[page] = _summary(times["alone"], times["many"])
        result["health"] = _summary(health["alone"], health["many"])
        return result
    finally:
        for label in clients:
            for client in clients[label].values():
                client.close()
        for _, server in servers.values():
            server.__exit__(None, None, None)


def measure_backup(url: str, folder: Path) -> dict:
    """`council db backup` of the database (the function the command runs): its time and the file's size."""
    from app.backup import backup

    file = folder / f"many-{time.monotonic_ns()}.backup"
    started = time.perf_counter()
    counts = backup(url, file)
    result = {
        "backup_s": round(time.perf_counter() - started, 2),
        "backup_mb": round(file.stat().st_size / 1e6, 1),
        "tables": len(counts),
    }
    file.unlink()
    return result


def database_mb(url: str) -> float:
    """The database's size on disk: the SQLite file with its WAL, or PostgreSQL's pg_database_size."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return round(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6, 1)
    from sqlalchemy import text

    from app.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return round(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one() / 1e6, 1)
    finally:
        engine.dispose()


def _rows(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from app.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # As a freshly restored or bulk-loaded database would be after autovacuum: the planner's statistics.
                conn.execute(text("ANALYZE"))
            return {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 (fixed names)
                for table in ROW_TABLES
            }
    finally:
        engine.dispose()


ROW_TABLES = ("councils", "users", "memberships", "meetings", "actions", "readings", "minutes_items", "paper_blobs")


def measure_many(urls: dict[str, str], folder: Path, *, councils: int, five_year: int, big: Size, runs: int) -> dict:
    """Fill the empty databases `urls["alone"]` and `urls["many"]`, measure, and answer every figure and timing."""
    started = time.perf_counter()
    alone = generate(urls["alone"], big)
    alone_s = time.perf_counter() - started
    print(f"generated the council alone in {alone_s:.1f} s; now {councils:,} councils in one database")
    started = time.perf_counter()
    many = build_many(urls["many"], councils, five_year, big=big)
    many_s = time.perf_counter() - started
    rows = {label: _rows(url) for label, url in urls.items()}
    pair = {"alone": (urls["alone"], alone), "many": (urls["many"], many)}
    agenda = measure_agenda_pair(pair, runs)
    print(f"measured the agenda alone and among {councils:,}: ratio {agenda['ratio']}")
    pages = measure_pages_pair(pair, max(3, runs // 2))
    print("measured the pages alone and among many")
    return {
        "engine": make_url(urls["many"]).get_backend_name(),
        "councils": councils,
        "five_year_councils": five_year,
        "measured_council": {"alone": alone.council_id, "many": many.council_id, "size": big.__dict__},
        "generate_alone_s": round(alone_s, 2),
        "generate_many_s": round(many_s, 2),
        "rows": rows,
        "database_mb": {"alone": database_mb(urls["alone"]), "many": database_mb(urls["many"])},
        "backup": measure_backup(urls["many"], folder),
        "agenda_build": agenda,
        "pages": pages,
        "ratio": agenda["ratio"],
        "worst_page": max((p for p in pages if p != "health"), key=lambda p: pages[p]["ratio"]),
    }


def measure_many_sqlite(folder: Path, **kwargs) -> dict:
    """`measure_many` on two SQLite files in `folder`."""
    urls = {label: f"sqlite:///{folder}/{label}.db" for label in ("alone", "many")}
    return measure_many(urls, folder, **kwargs)


def measure_many_postgres(folder: Path, **kwargs) -> dict:
    """`measure_many` on two databases of a throwaway PostgreSQL cluster (a note instead when it is not installed)."""
    from tests.pg import PostgresCluster, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        return {"note": "PostgreSQL not installed", "ratio": None}
    with PostgresCluster(bin_dir) as cluster:
        urls = {label: cluster.create_database(label) for label in ("alone", "many")}
        return measure_many(urls, folder, **kwargs)


def main() -> None:  # pragma: no cover - an operator's try: python -m bench.many URL --councils 1000
    parser = argparse.ArgumentParser(prog="python -m bench.many", description="Fill a database with many councils.")
    parser.add_argument("url", nargs="?", help="an empty database (default: a temporary SQLite file, then measured)")
    parser.add_argument("--councils", type=int, default=1000)
    parser.add_argument("--five-year", type=int, default=10)
    args = parser.parse_args()
    if args.url:
        started = time.perf_counter()
        council = build_many(args.url, args.councils, args.five_year)
        print(f"{args.councils:,} councils in {time.perf_counter() - started:.0f} s; the measured one is {council}")
        return
    with tempfile.TemporaryDirectory(prefix="bench-many-") as folder:
        figures = measure_many_sqlite(
            Path(folder), councils=args.councils, five_year=args.five_year, big=FIVE_YEAR, runs=9
        )
        print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
