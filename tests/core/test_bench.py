"""`make bench` runs: on a tiny dataset it writes every figure (the PostgreSQL parts where PostgreSQL is installed).

Asserts nothing about speed: the figures are for people to read (see README, Performance).

The parts run as three `python -m bench.run --tiny --only …` processes at once, each writing its
own results file: the fresh `make run` and the load run spend most of their time waiting (on
installs, on the server, on the load tool's think times), and side by side the test takes about
as long as the longest part instead of the sum of them. Together they are every part `make bench`
runs; each process is the same `bench.run` with fewer parts, and writes every key (null for the
parts it skipped).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.load import arrival_cpu
from bench.run import PARTS, TARGETS
from tests.pg import find_bin_dir

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is tests/core/test_bench.py)
KEYS = set(TARGETS)
# The longest parts alone, the rest together (about as long as either of the others).
GROUPS = (("fresh",), ("load",), tuple(p for p in PARTS if p not in {"fresh", "load"}))


def test_bench_runs_on_a_tiny_council(tmp_path: Path) -> None:
    assert sorted(p for group in GROUPS for p in group) == sorted(PARTS)
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    # CI has PostgreSQL: the load run and the action updates run there too (a few seconds, tiny).
    with_postgres = os.environ.get("CI") == "true" or find_bin_dir() is not None
    skip = [] if with_postgres else ["--skip-postgres"]
    runs = {}
    for group in GROUPS:
        out = tmp_path / f"results-{'-'.join(group)}.json"
        command = [sys.executable, "-m", "bench.run", "--tiny", *skip, "--only", ",".join(group), "--out", str(out)]
        log = (tmp_path / f"{'-'.join(group)}.log").open("w+")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        runs[group] = (process, out, log)
    results: dict = {"raw": {}}
    stdout = ""
    try:
        for group, (process, out, log) in runs.items():
            process.wait(timeout=1200)  # a guard against a hang, not a speed check: shared machines are slow
            log.seek(0)
            said = log.read()
            assert process.returncode == 0, f"bench.run --only {','.join(group)}:\n{said}"
            part = json.loads(out.read_text())
            assert part.keys() >= KEYS, group
            # Each key comes from the one process that measured it; the others leave it null.
            results |= {key: part[key] for key in KEYS if part[key] is not None}
            results["raw"] |= part["raw"]
            results["machine"] = part["machine"]
            stdout += said
    finally:
        for process, _, log in runs.values():
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()

    assert {"nproc", "memory", "python", "platform", "date"} <= results["machine"].keys()
    # Null only where a part is skipped: PostgreSQL, or pandoc outside CI (.ci/run installs it).
    nullable = (set() if with_postgres else {"load_p95_vs_health_p95", "action_patch_rps_vs_health"}) | (
        {"minutes_docx_vs_pandoc"} if shutil.which("pandoc") is None and os.environ.get("CI") != "true" else set()
    )
    for key in KEYS - nullable:
        assert isinstance(results.get(key), int | float), (key, results.get(key))
    assert results["agenda_queries_small"] > 0
    # One council among many against it alone: the agenda and each page people open most.
    assert {"minutes_page", "action_log_json", "measures_page", "scorecard_page", "home_page"} <= set(
        results["raw"]["many"]["pages"]
    )
    if with_postgres:
        # Every page the people open was measured, and nothing failed that a person would see.
        load = results["raw"]["load"]
        assert {"home", "my actions", "agenda page", "minutes save", "health"} <= load["pages"].keys()
        assert load["errors"] == 0, load["pages"]
        # The arrival's CPU is told by whose it was: the server's workers and PostgreSQL served the people,
        # Locust was them, and every kind is reported (what ran beside the bench under "other").
        arrival = load["arrival_cpu"]
        assert set(arrival["cpu_s"]) == {"workers", "job processes", "postgres", "people (Locust)", "bench", "other"}
        assert min(arrival["cpu_s"][kind] for kind in ("workers", "postgres", "people (Locust)")) > 0, arrival
        # And how long each kind waited for a CPU in that window.
        assert set(arrival["waited_s"]) == set(arrival["cpu_s"]), arrival
        # PostgreSQL's own upkeep while the people used the pages, and the tables it had no statistics for yet.
        upkeep = load["postgres_upkeep"]
        assert set(upkeep) == {"tables_never_analysed", "autovacuums", "autoanalyzes", "checkpoints"}, upkeep
        assert all(isinstance(n, int) and n >= 0 for n in upkeep.values()), upkeep
        assert results["raw"]["action_patch"]["patch"]["errors"] == 0
    for key in KEYS:
        assert key in stdout
    # The tracked results file is not what the test wrote.
    assert all(out.resolve() != (ROOT / "bench" / "results.json").resolve() for _, out, _ in runs.values())


def test_a_people_process_that_ends_inside_the_window_still_counts() -> None:
    # The tiny load run can end before ten seconds: Locust's CPU was lost when it had been waited for first.
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    people = subprocess.Popen([sys.executable, "-c", burn])
    try:
        measured = arrival_cpu(people.pid, None, None, seconds=60)
    finally:
        people.wait(timeout=60)
    assert measured["window_s"] < 60  # it ended with the people's process, not after the whole window
    assert measured["cpu_s"]["people (Locust)"] >= 0.25, measured


def test_the_arrival_says_how_long_each_kind_waited_for_a_cpu() -> None:
    # Three busy processes on one CPU for a second: each runs about a third of the time and waits the rest.
    cpu = min(os.sched_getaffinity(0))
    burn = f"import os, time\nos.sched_setaffinity(0, {{{cpu}}})\nend = time.time() + 1\nwhile time.time() < end: pass"
    people = [subprocess.Popen([sys.executable, "-c", burn]) for _ in range(3)]
    try:
        measured = arrival_cpu(people[-1].pid, None, None, seconds=60)
    finally:
        for process in people:
            process.wait(timeout=60)
    assert measured["waited_s"]["people (Locust)"] >= 1.0, measured
    assert measured["cpu_s"]["people (Locust)"] <= 1.5, measured
