"""CPU of the test process and of every process under it, Chromium's renderers included; printed at exit.

Opt-in, for measuring the suite's cost on a shared machine (wall time there is mostly waiting for a
core): `PYTHONPATH=$PWD CI=true .venv/bin/pytest -p tests.treecpu tests/browser`. `/usr/bin/time`
misses most of a browser test's CPU: Chromium's renderers are not all reaped by a process it waits
for. This samples /proc every 0.2 s and keeps each descendant's latest user+system time (a process
that lives less than 0.2 s may be missed; none of the suite's long ones do).
"""

from __future__ import annotations

import atexit
import os
import threading
import time

_TICK = os.sysconf("SC_CLK_TCK")
_ROOT = os.getpid()
_seen: dict[int, tuple[str, float]] = {}  # pid -> (name, CPU seconds of its own)


def _children() -> dict[int, list[tuple[int, str, float]]]:
    found: dict[int, list[tuple[int, str, float]]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                line = stat.read()
        except OSError:
            continue
        end = line.rfind(")")
        fields = line[end + 2 :].split()  # fields[1] is the parent; [11] and [12] user and system ticks
        name = line[line.find("(") + 1 : end]
        found.setdefault(int(fields[1]), []).append((int(entry), name, (int(fields[11]) + int(fields[12])) / _TICK))
    return found


def _sample() -> None:
    children = _children()
    stack = [_ROOT]
    while stack:
        for pid, name, cpu in children.get(stack.pop(), []):
            _seen[pid] = (name, max(cpu, _seen.get(pid, (name, 0.0))[1]))
            stack.append(pid)


def _loop() -> None:
    while True:
        _sample()
        time.sleep(0.2)


def pytest_configure(config) -> None:
    threading.Thread(target=_loop, daemon=True, name="treecpu").start()
    atexit.register(_report)


def _report() -> None:
    own = os.times()
    by_name: dict[str, float] = {}
    for name, cpu in _seen.values():
        by_name[name] = by_name.get(name, 0.0) + cpu
    largest = ", ".join(f"{name} {cpu:.1f}" for name, cpu in sorted(by_name.items(), key=lambda kv: -kv[1])[:6])
    under = sum(by_name.values())
    print(f"CPU: test process {own.user + own.system:.1f} s, processes under it {under:.1f} s ({largest})")
