"""`fresh_run_s`: a fresh clone on a machine without uv, `make run` until `/api/health` answers 200.

    python -m bench.fresh_run [--runs N] [--warm]

The committed HEAD of this repository is cloned into a temporary folder, and `make run`
starts there with a PATH that holds no uv and with empty uv, pip and matplotlib caches,
so it downloads and builds what a new machine would (the machine's own Python, pip
settings and network stay). The clock starts with `make` and stops at the first 200 from
`/api/health` on a free loopback port. Each progress line (`==> …`) is timestamped as it
arrives; a step runs from its line to the next. The server is always stopped and the
folder removed. `--warm` (what `bench.run --tiny` uses, so the test stays short) keeps
the machine's own uv and pip caches: nothing is downloaded twice, everything else is fresh.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.common import ROOT, free_port

PROGRESS = "==> "
# What the outer shell or make would otherwise hand down to the fresh run.
DROPPED = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
DROPPED |= {"DATABASE_URL", "SECRET_KEY", "ENVIRONMENT", "BASE_URL", "PORT", "MPLCONFIGDIR"}


def path_without_uv(path: str, bin_dir: Path) -> tuple[str, str]:
    """PATH less every folder that holds a `uv`; (PATH, the python3 it finds).

    Where python3 lived only beside uv (pyenv, a pip-installed uv), a folder of our own
    holds a link to this machine's base interpreter instead.
    """
    kept = [d for d in path.split(os.pathsep) if d and not (Path(d) / "uv").exists()]
    new_path = os.pathsep.join(kept)
    python = shutil.which("python3", path=new_path)
    if python is None:
        bin_dir.mkdir(parents=True, exist_ok=True)
        (bin_dir / "python3").symlink_to(os.path.realpath(sys._base_executable))
        new_path = os.pathsep.join([str(bin_dir), *kept])
        python = str(bin_dir / "python3")
    return new_path, python


def fresh_env(tmp: Path, *, warm: bool) -> tuple[dict[str, str], str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED and not k.startswith("UV_")}
    env["PATH"], python = path_without_uv(os.environ.get("PATH", os.defpath), tmp / "bin")
    env["MPLCONFIGDIR"] = str(tmp / "mpl")  # matplotlib builds its font cache as on a new machine
    if not warm:
        env["UV_CACHE_DIR"] = str(tmp / "cache" / "uv")
        env["PIP_CACHE_DIR"] = str(tmp / "cache" / "pip")
        env["XDG_CACHE_HOME"] = str(tmp / "cache")
    return env, python


def clone_head(dest: Path) -> str:
    """Clone this repository's committed HEAD into `dest`; its commit."""
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(dest)], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", commit], cwd=dest, check=True)
    return commit


def steps_from(lines: list[tuple[float, str]], end: float) -> list[dict]:
    """Each progress line with the seconds until the next one (the last until `end`)."""
    marks = [(at, text.removeprefix(PROGRESS)) for at, text in lines if text.startswith(PROGRESS)]
    return [
        {"step": text, "at_s": round(at, 2), "s": round((marks[i + 1][0] if i + 1 < len(marks) else end) - at, 2)}
        for i, (at, text) in enumerate(marks)
    ]


def installer_from(lines: list[tuple[float, str]]) -> str:
    said = " ".join(text for _, text in lines if text.startswith(PROGRESS))
    if "fetched uv" in said:
        return "uv (fetched with pip)"
    if " with uv" in said:
        return "uv"
    return "pip" if " with pip" in said else "unknown"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(proc: subprocess.Popen) -> None:
    """Stop make and everything it started (its own process group): Ctrl-C first, then kill."""
    for sig, wait in ((signal.SIGINT, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure_fresh_run(*, warm: bool = False, timeout: float = 600) -> dict:
    """One fresh `make run`: seconds until /api/health answers 200, its steps, the installer."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-fresh-"))
    proc = None
    lines: list[tuple[float, str]] = []
    try:
        repo = tmp / "repo"
        cloning = time.perf_counter()
        commit = clone_head(repo)
        clone_s = time.perf_counter() - cloning
        env, python = fresh_env(tmp, warm=warm)
        port = free_port()
        load_before = os.getloadavg()[0]
        cpu_before = _children_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=repo,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

        def read() -> None:
            for line in proc.stdout:
                lines.append((time.perf_counter() - started, line.rstrip()))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        seconds = None
        with httpx.Client(timeout=2) as client:
            while time.perf_counter() - started < timeout:
                if proc.poll() is not None:
                    break
                try:
                    if client.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                        seconds = time.perf_counter() - started
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        if seconds is None:
            stop(proc)
            reader.join(timeout=5)
            tail = "\n".join(text for _, text in lines[-30:])
            raise RuntimeError(f"make run did not serve /api/health within {timeout:.0f} s:\n{tail}")
        stopping = time.perf_counter()
        stop(proc)  # make reaps what it started: their CPU time is then counted
        stop_s = time.perf_counter() - stopping
        return {
            "seconds": round(seconds, 1),
            # The machine is shared: CPU seconds say what wall seconds under load do not.
            "cpu_s": round(_children_cpu() - cpu_before, 1),
            "steps": steps_from(lines, seconds),
            "installer": installer_from(lines),
            "caches": "warm (the machine's uv and pip caches)" if warm else "cold (empty uv and pip caches)",
            "python": python,
            "commit": commit,
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "clone_s": round(clone_s, 1),  # before the clock starts
            "stop_s": round(stop_s, 1),  # after it stops
        }
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fresh_run", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh runs, one after another (default 1)")
    parser.add_argument("--warm", action="store_true", help="keep the machine's uv and pip caches")
    args = parser.parse_args(argv)
    runs = []
    for _ in range(args.runs):
        runs.append(measure_fresh_run(warm=args.warm))
        print(json.dumps(runs[-1], indent=2), flush=True)
    print(f"fresh_run_s: {[r['seconds'] for r in runs]}, median {statistics.median(r['seconds'] for r in runs)}")


if __name__ == "__main__":
    main()
