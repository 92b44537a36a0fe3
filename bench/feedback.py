"""Feedback at scale: import 100,000 survey responses (two texts each) and re-theme them.

`feedback_import_100k_s`: parse, check, mask and write a 100,000-row export into an empty
council with a starter theme list, including theming the history (one transaction, as
the API does it). `feedback_theme_100k_s`: add one theme, which re-themes all 100,000
responses and recomputes the monthly counts. Both on SQLite, in process, committed.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from sqlmodel import Session

OPENERS = ["", "Honestly, ", "To be fair ", "Sadly ", "Again ", "The worst part: ", "Good that "]
HINDERED = [
    "the engineer came back without the parts",
    "a second visit was needed because of the wrong part",
    "my bill was estimated again",
    "the estimated bill was far too high",
    "I was on hold for {n} minutes",
    "nobody told me the arrival time",
    "I had to explain my problem again to every person",
    "the app crashed when I tried to pay",
    "my meter reading was ignored",
    "the smart meter display stopped working",
    "the direct debit went up without warning",
    "I was cut off twice on the phone",
]
HELPED = [
    "the friendly engineer fixed it first time",
    "the agent knew what they were doing",
    "a helpful agent called me back",
    "clear text updates about the visit",
    "the app showed my bill clearly",
    "quick answer on the phone",
    "the payment plan was easy to set up",
]
TAILS = ["", ".", " last week", " on {d}", " (ref {n})", " and that was annoying", ", thanks", " again and again"]
THEMES = [
    ("Repeat engineer visit", ["engineer came back without parts", "second visit", "wrong part"]),
    ("Billing estimate", ["estimated bill", "bill estimate", "meter reading ignored"]),
    ("Long wait on the phone", ["on hold", "cut off phone"]),
    ("Arrival time unknown", ["arrival time"]),
    ("Passed around", ["explain my problem again"]),
    ("App problems", ["app crashed"]),
    ("Knowledgeable staff", ["knew what they were doing", "helpful agent", "friendly engineer"]),
]
DEPARTMENTS = ["Call Centre", "Field Engineering", "Billing", "Digital", "ContactPlus"]


def _text(rng: random.Random, pool: list[str]) -> str:
    core = rng.choice(pool).replace("{n}", str(rng.randint(5, 90)))
    tail = rng.choice(TAILS).replace("{n}", str(rng.randint(10000, 99999))).replace("{d}", f"{rng.randint(1, 28)} May")
    return (rng.choice(OPENERS) + core + tail).capitalize()


def survey_csv(rows: int, *, seed: int = 7) -> bytes:
    """A survey export of `rows` responses over a year, helped and hindered filled in."""
    rng = random.Random(seed)
    start = date(2025, 6, 1)
    lines = ["response_id,responded_on,department,goal_rating,helped,hindered"]
    for i in range(rows):
        day = start + timedelta(days=rng.randrange(365))
        lines.append(
            f"B{i:07d},{day.isoformat()},{rng.choice(DEPARTMENTS)},{rng.randint(1, 5)},"
            f'"{_text(rng, HELPED)}","{_text(rng, HINDERED)}"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def measure_feedback(url: str, rows: int) -> dict:
    """Seconds to import `rows` responses (themed), and to add a theme (re-theming them all)."""
    from app.auth import Access
    from app.db import make_engine
    from app.feedback.imports import import_feedback
    from app.feedback.schemas import ThemeCreate
    from app.feedback.service import create_theme
    from app.feedback.themes import sentiment
    from app.migrate import upgrade
    from app.models import Council, Department, Membership, Theme, User

    upgrade(url)
    data = survey_csv(rows)
    sentiment("warm up the lexicon")  # loaded once per process, not per import
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            council = Council(name="Bench feedback council", timezone="UTC")
            session.add(council)
            session.flush()
            for name in DEPARTMENTS:
                session.add(Department(council_id=council.id, name=name))
            for name, phrases in THEMES[:-1]:
                session.add(Theme(council_id=council.id, name=name, phrases=phrases))
            user = User(email="bench.feedback@example.com", name="Bench chair", password_hash="x")
            session.add(user)
            session.flush()
            seat = Membership(council_id=council.id, user_id=user.id, role="chair")
            session.add(seat)
            session.commit()

            started, cpu = time.perf_counter(), time.process_time()
            result = import_feedback(session=session, council=council, data=data)
            session.commit()
            import_s, import_cpu = time.perf_counter() - started, time.process_time() - cpu

            name, phrases = THEMES[-1]
            access = Access(user=user, council=council, membership=seat)
            started, cpu = time.perf_counter(), time.process_time()
            create_theme(session=session, access=access, theme_in=ThemeCreate(name=name, phrases=phrases))
            session.commit()
            theme_s, theme_cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.dispose()
    return {
        "rows": rows,
        "bytes": len(data),
        "imported": result.imported,
        "mentions_after_import": result.mentions,
        "import_s": round(import_s, 2),
        "theme_s": round(theme_s, 2),
        # CPU seconds of this process (threads included): on a shared machine the wall
        # time above also counts time spent waiting for a core.
        "import_cpu_s": round(import_cpu, 2),
        "theme_cpu_s": round(theme_cpu, 2),
    }
