"""`make bench`: measure the figures of issues 7, 12 and 17 side by side and write `bench/results.json`.

    python -m bench.run [--tiny] [--skip-postgres] [--out PATH]

Each figure is a ratio or a count where it can be, so that it means the same on a slow
machine as on a fast one. Nothing here asserts: it reports each figure, its target and
whether it was met. Servers and the PostgreSQL cluster are always stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.agenda import measure_agenda
from bench.common import DEFAULT_OUT, machine
from bench.data import SIZES, generate
from bench.docx import measure_minutes_docx
from bench.http import measure_agenda_http
from bench.load import measure_load

# key: (target description, test on the value)
TARGETS: dict[str, tuple[str, Callable[[float], bool] | None]] = {
    "fresh_run_s": ("≤ 60 s", lambda v: v <= 60),
    "agenda_queries_small": ("≤ 15, = large", lambda v: v <= 15),
    "agenda_queries_large": ("≤ 15, = small", lambda v: v <= 15),
    "agenda_ms": ("report", None),
    "agenda_vs_sql_floor": ("≤ 2", lambda v: v <= 2),
    "agenda_growth": ("≤ 1.2", lambda v: v <= 1.2),
    "agenda_http_vs_health": ("report", None),
    "cold_agenda_vs_health": ("≤ 30", lambda v: v <= 30),
    "home_cold_vs_health": ("report", None),
    "action_list_cold_vs_health": ("report", None),
    "minutes_page_cold_vs_health": ("report", None),
    "autosave_vs_health": ("report", None),
    "minutes_docx_vs_pandoc": ("≤ 0.4", lambda v: v <= 0.4),
    "pack_docx_warm_vs_json": ("≤ 3", lambda v: v <= 3),
    "pack_pdf_warm_vs_json": ("report", None),
    "load_p95_vs_health_p95": ("≤ 15", lambda v: v <= 15),
    "action_patch_rps_vs_health": ("≥ 0.5", lambda v: v >= 0.5),
    "councils_1000_agenda_ratio": ("≤ 1.2", lambda v: v <= 1.2),
    "feedback_import_100k_s": ("≤ 20 s", lambda v: v <= 20),
    "feedback_theme_100k_s": ("≤ 20 s", lambda v: v <= 20),
}

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


PARTS = ("fresh", "agenda", "http", "pages", "feedback", "docx", "load", "many")


def main(argv: list[str] | None = None) -> dict:  # noqa: PLR0915
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a tiny dataset, few runs (for the test)")
    parser.add_argument("--skip-postgres", action="store_true", help="skip the parts that need PostgreSQL")
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"comma-separated parts to run (default all: {','.join(PARTS)})"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the JSON (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    if unknown := parts - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(unknown))}; the parts are {', '.join(PARTS)}")
    os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="bench-mpl-"))

    small, large = (SIZES["tiny"], SIZES["tiny"]) if args.tiny else (SIZES["small"], SIZES["large"])
    agenda_runs, http_runs, docx_runs = (3, 5, 2) if args.tiny else (15, 30, 20)
    raw: dict = {"datasets": {"small": small.__dict__, "large": large.__dict__}}
    # A figure a part did not measure (skipped, or its tool missing) stays null.
    results: dict = dict.fromkeys(TARGETS)
    if "fresh" in parts:
        from bench.fresh_run import measure_fresh_run

        # --tiny keeps the machine's uv and pip caches (raw.fresh_run.caches says so): the test stays short.
        raw["fresh_run"] = measure_fresh_run(warm=args.tiny)
        print(f"measured a fresh make run: {raw['fresh_run']['seconds']} s, {raw['fresh_run']['caches']}")
        results["fresh_run_s"] = raw["fresh_run"]["seconds"]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        urls = {}
        councils = {}
        if parts & {"agenda", "http", "pages"}:
            for label, size in (("small", small), ("large", large)):
                if label == "large" and "agenda" not in parts:
                    continue  # only the in-process agenda part reads the large council
                started = time.perf_counter()
                urls[label] = f"sqlite:///{tmp}/{label}.db"
                if label == "large" and size == small:
                    # --tiny: the same size, seed and day give the same council; a copy of the database (SQLite's
                    # backup: the WAL's pages too), not a second migrate and generate (bench.data is deterministic).
                    with sqlite3.connect(f"{tmp}/small.db") as source, sqlite3.connect(f"{tmp}/large.db") as target:
                        source.backup(target)
                    source.close()
                    target.close()
                    councils[label] = councils["small"]
                else:
                    councils[label] = generate(urls[label], size)
                raw["datasets"][label]["generate_s"] = round(time.perf_counter() - started, 2)
                print(f"generated the {label} council ({size.name}) in {raw['datasets'][label]['generate_s']} s")
        if "agenda" in parts:
            raw["agenda_small"] = measure_agenda(urls["small"], councils["small"], agenda_runs)
            raw["agenda_large"] = measure_agenda(urls["large"], councils["large"], agenda_runs)
            print("measured the agenda in process")
            results["agenda_queries_small"] = raw["agenda_small"]["queries"]
            results["agenda_queries_large"] = raw["agenda_large"]["queries"]
            results["agenda_ms"] = raw["agenda_small"]["median_ms"]
            # The five-year council's build over the raw driver's replay of its SQL (bench/agenda.py).
            results["agenda_vs_sql_floor"] = raw["agenda_small"]["vs_sql_floor"]
            results["agenda_growth"] = round(raw["agenda_large"]["median_ms"] / raw["agenda_small"]["median_ms"], 3)
        if "http" in parts:
            raw["agenda_http"] = measure_agenda_http(urls["small"], councils["small"], http_runs)
            print("measured the agenda over HTTP")
            results["agenda_http_vs_health"] = raw["agenda_http"]["ratio"]
            results["cold_agenda_vs_health"] = raw["agenda_http"]["cold_ratio"]
            results["pack_docx_warm_vs_json"] = raw["agenda_http"]["docx_warm_vs_json"]
            results["pack_pdf_warm_vs_json"] = raw["agenda_http"]["pdf_warm_vs_json"]
        if "pages" in parts:
            from bench.pages import measure_pages

            raw["pages"] = measure_pages(urls["small"], councils["small"], http_runs)
            print("measured the pages people open most")
            # bench/pages.py: each page's median over /api/health's in the same run.
            results["home_cold_vs_health"] = raw["pages"]["home"]["vs_health"]
            results["action_list_cold_vs_health"] = raw["pages"]["action_list"]["vs_health"]
            results["minutes_page_cold_vs_health"] = raw["pages"]["minutes_page"]["vs_health"]
            results["autosave_vs_health"] = raw["pages"]["autosave"]["vs_health"]
        if "feedback" in parts:
            from bench.feedback import measure_feedback

            raw["feedback"] = measure_feedback(f"sqlite:///{tmp}/feedback.db", 2_000 if args.tiny else 100_000)
            print(f"measured feedback: {raw['feedback']['rows']:,} responses")
            # Seconds for 100,000 responses (2,000 with --tiny; raw.feedback.rows says which).
            results["feedback_import_100k_s"] = raw["feedback"]["import_s"]
            results["feedback_theme_100k_s"] = raw["feedback"]["theme_s"]
        if "many" in parts:
            from bench.many import FIVE_YEAR, TINY, measure_many_postgres, measure_many_sqlite

            # --tiny: 20 councils (2 of the tiny size) and three runs: seconds, for the test.
            councils, five_year, big, runs = (20, 2, TINY, 3) if args.tiny else (1000, 10, FIVE_YEAR, 15)
            many = {"councils": councils, "five_year": five_year, "big": big, "runs": runs}
            (Path(tmp) / "many").mkdir()
            raw["many"] = measure_many_sqlite(Path(tmp) / "many", **many)
            print(f"measured one council among {councils:,} (SQLite)")
            if args.skip_postgres:
                raw["many_postgres"] = {"note": "skipped (--skip-postgres)", "ratio": None}
            else:
                raw["many_postgres"] = measure_many_postgres(Path(tmp) / "many", **many)
                print(f"measured one council among {councils:,} (PostgreSQL)")
            # The headline is SQLite's (the default install); raw.many_postgres has the same figures there.
            results["councils_1000_agenda_ratio"] = raw["many"]["ratio"]
    if "docx" in parts:
        raw["minutes_docx"] = measure_minutes_docx(docx_runs)
        print("measured the Word minutes")
        results["minutes_docx_vs_pandoc"] = raw["minutes_docx"]["ratio"]
    if "load" in parts:
        if args.skip_postgres:
            raw["load"] = raw["action_patch"] = {"note": "skipped (--skip-postgres)", "ratio": None}
        else:
            if args.tiny:
                # Tiny: 20 people at four times a person's pace, until 100 requests have timed every page (≤ 60 s);
                # then 64 action updates and 64 health checks, two a client (the 60 s are a guard against a hang:
                # the figure is not read, only that every update was accepted, so a count ends it, not a clock).
                measured = measure_load(
                    size=SIZES["tiny"],
                    councils=8,
                    people=20,
                    chairs=1,
                    seconds=60,
                    max_requests=100,
                    health_every=0.2,
                    pace=0.25,
                    patch_seconds=60,
                    patch_limit=64,
                )
            else:
                measured = measure_load(size=SIZES["small"])
            raw["load"], raw["action_patch"] = measured["load"], measured["action_patch"]
            print("measured the load run and action updates on PostgreSQL")
        results["load_p95_vs_health_p95"] = raw["load"]["ratio"]
        results["action_patch_rps_vs_health"] = raw["action_patch"]["ratio"]

    results["machine"] = machine()
    results["raw"] = raw
    results["targets"] = {key: {"target": TARGETS[key][0], "result": verdict(key, results[key])} for key in TARGETS}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(results)
    print(f"\nwrote {args.out}")
    return results


if __name__ == "__main__":
    main()
