"""`make bench` runs: on a tiny dataset it writes every figure (the PostgreSQL parts where PostgreSQL is installed).

Asserts nothing about speed: the figures are for people to read (see README, Performance).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.run import TARGETS
from tests.pg import find_bin_dir

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is tests/core/test_bench.py)
KEYS = set(TARGETS)


def test_bench_runs_on_a_tiny_council(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    # CI has PostgreSQL: the load run and the action updates run there too (a few seconds, tiny).
    with_postgres = os.environ.get("CI") == "true" or find_bin_dir() is not None
    skip = [] if with_postgres else ["--skip-postgres"]
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--tiny", *skip, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,  # a guard against a hang, not a speed check: shared machines are slow
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(out.read_text())

    assert results.keys() >= KEYS
    assert {"nproc", "memory", "python", "platform", "date"} <= results["machine"].keys()
    assert "raw" in results
    # Null only where a part is skipped: PostgreSQL, or pandoc outside CI (.ci/run installs it).
    nullable = (set() if with_postgres else {"load_p95_vs_health_p95", "action_patch_rps_vs_health"}) | (
        {"minutes_docx_vs_pandoc"} if shutil.which("pandoc") is None and os.environ.get("CI") != "true" else set()
    )
    for key in KEYS - nullable:
        assert isinstance(results[key], int | float), (key, results[key])
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
        assert results["raw"]["action_patch"]["patch"]["errors"] == 0
    for key in KEYS:
        assert key in result.stdout
    # The tracked results file is not what the test wrote.
    assert out.resolve() != (ROOT / "bench" / "results.json").resolve()
