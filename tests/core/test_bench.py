"""`make bench` runs: on a tiny dataset, without PostgreSQL, it writes every figure.

Asserts nothing about speed: the figures are for people to read (see README, Performance).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.run import TARGETS

ROOT = Path(__file__).resolve().parents[2]  # the repository (this file is tests/core/test_bench.py)
KEYS = set(TARGETS)


def test_bench_runs_on_a_tiny_council(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--tiny", "--skip-postgres", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang, not a speed check: shared machines are slow
    )
    assert result.returncode == 0, result.stdout + result.stderr
    results = json.loads(out.read_text())

    assert results.keys() >= KEYS
    assert {"nproc", "memory", "python", "platform", "date"} <= results["machine"].keys()
    assert "raw" in results
    # Null only where a part is skipped: PostgreSQL (pandoc is installed by .ci/run, so it is measured).
    # Not measured yet (issue 17's parts each take theirs out of this set as they land).
    not_yet = {
        "load_p95_vs_health_p95",
    }
    nullable = not_yet | {"action_patch_rps_vs_health"}
    for key in KEYS - nullable:
        assert isinstance(results[key], int | float), (key, results[key])
    assert results["agenda_queries_small"] > 0
    # One council among many against it alone: the agenda and each page people open most.
    assert {"minutes_page", "action_log_json", "measures_page", "scorecard_page", "home_page"} <= set(
        results["raw"]["many"]["pages"]
    )
    for key in KEYS:
        assert key in result.stdout
    # The tracked results file is not what the test wrote.
    assert out.resolve() != (ROOT / "bench" / "results.json").resolve()
