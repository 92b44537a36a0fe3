"""The job process (app/jobs.py JobProcess): a spawned process per worker that runs the publish jobs."""

import os
import sys
import time

from app.config import Settings
from app.jobs import JOB_NICENESS, JobProcess
from tests.conftest import TEST_SECRET_KEY


def _state(wait_s: float) -> tuple[int, bool]:
    """In the job process: its niceness, and whether matplotlib is imported (waiting up to `wait_s` for it)."""
    deadline = time.monotonic() + wait_s
    while "matplotlib.figure" not in sys.modules and time.monotonic() < deadline:
        time.sleep(0.05)
    return os.nice(0), "matplotlib.figure" in sys.modules


def test_the_job_process_runs_below_the_workers_priority_and_has_the_chart_library_before_its_first_job(tmp_path):
    """Its CPU yields to the requests' (JOB_NICENESS below the worker's), and it imports matplotlib while it waits for
    work, so the first publish after a start does not pay the import while everyone arrives. Nothing has asked it to
    draw a chart: only the start does this."""
    settings = Settings(
        _env_file=None,
        ENVIRONMENT="test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'jobs.db'}",
        SECRET_KEY=TEST_SECRET_KEY,
        SMTP_URL=None,
        JOBS_RUN_IN="process",
        JOBS_POLL_SECONDS=3600,
        CHART_CACHE_DIR=str(tmp_path / "charts"),
    )
    process = JobProcess(settings)
    process.start()
    try:
        niceness, loaded = process._pool.submit(_state, 60).result(timeout=120)
    finally:
        process.stop()
    assert niceness == min(os.nice(0) + JOB_NICENESS, 19)
    assert loaded
    assert not list((tmp_path / "charts").glob("*"))  # no chart drawn on the way
