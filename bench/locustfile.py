"""The people of the load run, for Locust (run by bench/load.py; not on its own).

    LOAD_PEOPLE=people.json LOAD_OUT=timings.json locust -f bench/locustfile.py --headless …

Everyone is a browser signed in with the session cookie bench/load.py minted for them:
- members open the home page, their actions (the council's action log filtered to them)
  and the next meeting's agenda, a few seconds apart;
- one secretary per council keeps the next meeting's minutes page open and saves an
  item's notes every few seconds, with the item's version as the page does (one
  secretary per council: two racing would meet real 412 conflicts);
- a few chairs publish the next meeting's agenda now and then, following the answer's redirect
  to the agenda page as a browser does (timed as "agenda after publish": it shows the
  notices being sent), and, as a separate later task, download its Word pack. Publishing
  answers once the agenda is frozen: the pack and the mail to every seat are a job run
  outside the request (app/jobs.py), which "publish" no longer includes. A download right
  after the publish would time the worker building a pack the job is still building, which
  a chair never does in a browser, so the chair alternates: publish, think, download, think;
  the people, councils, pages and bounds are otherwise those of the earlier runs;
- a monitor asks /api/health at a low rate, so health is timed under the same load.

Every response time is kept (Locust's own percentiles are rounded) and written to
LOAD_OUT as {"timings": {page: [ms, …]}, "at": {page: [s, …]}, "errors": {page: {status: n}}, "seconds": s}
("at": when each timed request started, in seconds since the run's first answer, for the run's timeline).
The run stops after LOAD_MAX_REQUESTS requests once every page in LOAD_NEEDED has been timed,
or at Locust's -t, whichever comes first; LOAD_PACE scales the think times.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant, events, task

PEOPLE = json.loads(Path(os.environ["LOAD_PEOPLE"]).read_text(encoding="utf-8"))
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "20000"))
HEALTH_EVERY = float(os.environ.get("LOAD_HEALTH_EVERY", "0.5"))
# Think times are multiplied by this (the tiny run for the test is quicker than people are).
PACE = float(os.environ.get("LOAD_PACE", "1"))
# The run ends once it has made LOAD_MAX_REQUESTS requests and timed each of these at least once.
NEEDED = [name for name in os.environ.get("LOAD_NEEDED", "").split(",") if name]
COOKIE = "cxc_session"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
NOTES_FORM = re.compile(r'data-item="(\d+)"[^>]*data-version="(\d+)"')
DATA_CSRF = re.compile(r'data-csrf="([^"]+)"')

timings: dict[str, list[float]] = defaultdict(list)
at: dict[str, list[float]] = defaultdict(list)
errors: dict[str, Counter] = defaultdict(Counter)
started = {"at": None}
counted = itertools.count(1)
stopping: list[bool] = []
_queues = {role: iter([p for p in PEOPLE if p["role"] == role]) for role in ("member", "secretary", "chair")}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response, exception, context, **_kw) -> None:
    now = time.monotonic()
    if started["at"] is None:
        started["at"] = now
    if exception is None:
        timings[name].append(response_time)
        at[name].append(round(now - response_time / 1000 - started["at"], 3))
    else:
        # The status a page answered with, else what went wrong (a timeout, a refused connection).
        status = getattr(response, "status_code", None) or f"{type(exception).__name__}: {str(exception)[:80]}"
        errors[name][str(status)] += 1
    if next(counted) >= MAX_REQUESTS and not stopping and all(timings[n] for n in NEEDED):
        stopping.append(True)
        gevent.spawn(_record.environment.runner.quit)  # type: ignore[attr-defined]


@events.init.add_listener
def _keep_environment(environment, **_kw) -> None:
    _record.environment = environment  # type: ignore[attr-defined]


@events.quitting.add_listener
def _write(environment, **_kw) -> None:
    seconds = time.monotonic() - started["at"] if started["at"] else 0.0
    Path(os.environ["LOAD_OUT"]).write_text(
        json.dumps(
            {
                "timings": timings,
                "at": at,
                "errors": {name: dict(counts) for name, counts in errors.items()},
                "seconds": seconds,
            }
        ),
        encoding="utf-8",
    )


class Person(FastHttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.me = next(_queues[self.role])
        self.meeting = self.me["meeting_id"]
        self.headers = {"Cookie": f"{COOKIE}={self.me['cookie']}"}
        # People arrive over the first seconds, not all in the same millisecond.
        gevent.sleep(random.uniform(0, 3 * PACE))

    def page(self, path: str, name: str) -> str:
        """GET a page as a browser does; a redirect (to the login page) or an error counts as a failure."""
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {getattr(response, 'error', None) or ''}".strip())
                return ""
            return response.text or ""


class Member(Person):
    role = "member"
    fixed_count = int(os.environ.get("LOAD_MEMBERS", "0"))
    wait_time = between(2 * PACE, 6 * PACE)

    @task(3)
    def home(self) -> None:
        self.page("/home", "home")

    @task(2)
    def my_actions(self) -> None:
        self.page(f"/councils/{self.me['council_id']}/actions?owner_id={self.me['seat_id']}", "my actions")

    @task(2)
    def agenda(self) -> None:
        self.page(f"/meetings/{self.meeting}/agenda", "agenda page")


class Secretary(Person):
    role = "secretary"
    fixed_count = int(os.environ.get("LOAD_SECRETARYS", "0"))
    wait_time = between(2 * PACE, 4 * PACE)

    def on_start(self) -> None:
        super().on_start()
        self.versions: dict[str, int] = {}
        self.csrf = ""
        self.open_minutes()
        self.typed = 0

    def open_minutes(self) -> None:
        text = self.page(f"/meetings/{self.meeting}/minutes", "minutes page")
        found = DATA_CSRF.search(text)
        self.csrf = found.group(1) if found else ""
        self.versions = {number: int(version) for number, version in NOTES_FORM.findall(text)}

    @task
    def save_notes(self) -> None:
        if not self.versions:
            self.open_minutes()
            return
        number = random.choice(sorted(self.versions))
        self.typed += 1
        with self.client.post(
            f"/meetings/{self.meeting}/minutes/items/{number}/autosave",
            name="minutes save",
            headers=self.headers,
            data={
                "notes": f"Discussed; note {self.typed} typed by the secretary.",
                "version": self.versions[number],
                "csrf_token": self.csrf,
            },
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {getattr(response, 'error', None) or ''}".strip())
                return
            self.versions[number] = response.json()["version"]


class Chair(Person):
    role = "chair"
    fixed_count = int(os.environ.get("LOAD_CHAIRS", "0"))
    wait_time = between(10 * PACE, 20 * PACE)

    def on_start(self) -> None:
        super().on_start()
        self.published = False

    @task
    def publish_or_download(self) -> None:
        """Publish, then (one think time later) download the pack, then publish again …"""
        if self.published:
            self.published = False
            self.page(f"/api/meetings/{self.meeting}/agenda.docx", "pack download")
            return
        text = self.page(f"/meetings/{self.meeting}/agenda", "agenda page")
        found = CSRF_INPUT.search(text)
        if found is None:
            return
        with self.client.post(
            f"/meetings/{self.meeting}/agenda/publish",
            name="publish",
            headers=self.headers,
            data={"csrf_token": found.group(1)},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"{response.status_code} {getattr(response, 'error', None) or ''}".strip())
                return
            where = response.headers.get("Location") or f"/meetings/{self.meeting}/agenda"
        self.published = True
        self.page(where, "agenda after publish")


class Monitor(FastHttpUser):
    """Not a person: /api/health at a low rate, timed under the people's load."""

    fixed_count = 1
    wait_time = constant(HEALTH_EVERY)

    @task
    def health(self) -> None:
        self.client.get("/api/health", name="health")
