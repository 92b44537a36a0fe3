"""The server's own log lines reach its operator: `council serve`'s workers and their job processes log the
app's INFO lines (a job's outcome, the warm-up) on the server's stderr, with their level."""

import logging
import logging.config
import time

import pytest

from app import logs
from tests.serve import council_serve


# More than one worker (the warm-up runs only then) needs PostgreSQL.
@pytest.mark.parametrize("db_backend", ["postgresql"])
def test_the_job_processes_lines_reach_the_servers_log(db_url, session, tmp_path):
    with council_serve(db_url, tmp_path, "--workers", "2") as (_process, base):
        log = tmp_path / f"server-{base.rsplit(':', 1)[1]}.log"
        deadline = time.monotonic() + 90
        while "warm-up:" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    lines = log.read_text().splitlines()
    # Written by a worker's spawned job process (app/agendas/warm.py), at INFO, as uvicorn writes its own: the
    # agendas' line, then (as the charts are done, by either job process) the packs' charts'.
    warm_up = [line.split() for line in lines if "warm-up:" in line]
    assert warm_up and all(words[:2] == ["INFO:", "warm-up:"] for words in warm_up), lines[-20:]
    assert warm_up[0][2:4] == ["0", "agendas"], lines[-20:]


def test_a_process_passes_on_the_configuration_it_was_given(monkeypatch):
    applied = []
    # The configuring itself is logging's; recorded here, so no other test's loggers change.
    monkeypatch.setattr(logging.config, "dictConfig", applied.append)
    monkeypatch.setattr(logs, "_configured", None)
    assert logs.configured() is None  # nobody configured the app's loggers: nothing to hand on
    config = logs.serve_config()
    assert {name: config["loggers"][name]["level"] for name in logs.APP_LOGGERS} == {"app": "INFO", "council": "INFO"}
    assert all(config["loggers"][name]["handlers"] == ["default"] for name in logs.APP_LOGGERS)  # uvicorn's stderr
    logs.apply(None)
    assert applied == [] and logs.configured() is None
    logs.apply(config)
    assert applied == [config] and logs.configured() == config  # what its job process is given
