"""Deterministic councils for the benchmarks, written with bulk inserts.

`generate(url, SIZES["small"])` migrates the database at `url` (Alembic) and loads the
"five-year council"; `SIZES["large"]` has ten times its history (closed actions,
meetings, readings) but the same open work. Rows come from a seeded random generator
and are anchored on the day of the run, so "open", "overdue" and "recent" stay true.
Ids are assigned here, so rows can point at each other without reading anything back.

`generate_many` adds councils after whatever a database holds; `starter(k)` sizes the small
councils of the many-council database (bench/many.py, `python -m bench.data URL --councils 1000`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app.councils.sections import SECTION_KEYS
from app.db import make_engine
from app.migrate import upgrade
from app.models import (
    Action,
    AobItem,
    Attendance,
    Council,
    Decision,
    Department,
    DepartmentReport,
    Initiative,
    InitiativeMeasure,
    Journey,
    JourneyStep,
    Measure,
    Meeting,
    Membership,
    Minutes,
    MinutesItem,
    Paper,
    PaperBlob,
    Reading,
    Research,
    StepDepartment,
    User,
)
from app.models.actions import closing_day
from app.papers.store import content_key
from bench.voice import add_feedback

SEED = 20240607
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class Size:
    name: str
    departments: int
    meetings: int
    open_actions: int
    closed_actions: int
    measures: int
    readings_per_measure: int
    initiatives: int
    journeys: int
    steps_per_journey: int
    research: int
    feedback_responses: int = 0  # goal-support survey responses over the last year (bench/voice.py)
    minutes: bool = False  # minutes for the held meetings (approved; the last one a draft), with decisions
    papers: int = 0  # PDF papers on the next meeting's department reports, each its own bytes


SIZES = {
    # The five-year council of issue 7, with a tenth of the large council's survey responses.
    "small": Size("small", 40, 60, 500, 5_500, 300, 60, 200, 20, 12, 60, feedback_responses=10_000),
    # Ten times the history, the same open work.
    "large": Size("large", 40, 600, 500, 55_000, 300, 600, 200, 20, 12, 600, feedback_responses=100_000),
    # For the test: seconds, not minutes; still 32+ open actions for the write load.
    "tiny": Size("tiny", 4, 6, 40, 40, 6, 12, 5, 2, 3, 4),
}


def starter(k: int, seed: int = SEED) -> Size:
    """The k-th small council of a many-council database: a year or two old, 6–10 departments.

    Deterministic in `k`, varied so that no two neighbours are the same shape. Every tenth has
    some themed feedback and every hundredth a few papers, so those tables hold many councils too.
    """
    rnd = random.Random(seed * 31 + k)
    return Size(
        "starter",
        departments=rnd.randint(6, 10),
        meetings=rnd.randint(12, 24),
        open_actions=rnd.randint(30, 80),
        closed_actions=rnd.randint(150, 350),
        measures=20,
        readings_per_measure=24,
        initiatives=rnd.randint(8, 20),
        journeys=rnd.randint(2, 4),
        steps_per_journey=6,
        research=rnd.randint(4, 12),
        feedback_responses=300 if k % 10 == 3 else 0,
        minutes=True,
        papers=4 if k % 100 == 7 else 0,
    )


@dataclass(frozen=True)
class Council_:
    """What the runner needs to know about a generated council."""

    council_id: int
    meeting_id: int  # the next meeting, whose agenda is measured
    chair_user_id: int
    open_action_ids: list[int]


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + (day.month - 1) - months_back
    return date(index // 12, index % 12 + 1, 1)


def _bulk(session: Session, model: type[SQLModel], rows: list[dict], now: datetime) -> None:
    """executemany INSERT of `rows`, with the model's defaults for the columns not given."""
    if not rows:
        return
    defaults = {}
    for name, info in model.model_fields.items():
        if name in model.__table__.columns and name != "id" and not info.is_required():
            value = info.get_default(call_default_factory=True)
            defaults[name] = now if isinstance(value, datetime) else value
    filled = [{**defaults, **row} for row in rows]
    for start in range(0, len(filled), 5_000):
        session.execute(insert(model.__table__), filled[start : start + 5_000])


def _fix_sequences(engine: Engine) -> None:
    """PostgreSQL: move each id sequence past the ids given here, so the app's inserts work."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                    )
                )


def generate(url: str, size: Size, *, today: date | None = None, seed: int = SEED) -> Council_:
    """Migrate the empty database at `url` and load one council of `size`."""
    return generate_many(url, [size], today=today, seed=seed)[0]


def generate_many(
    url: str,
    sizes: list[Size],
    *,
    today: date | None = None,
    seed: int = SEED,
    seeds: list[int] | None = None,
    per_commit: int = 1,
    progress: Callable[[int], None] | None = None,
    interleave: bool = False,
) -> list[Council_]:
    """Migrate the database at `url` and add one council per size, after whatever it holds.

    Council k uses the seed `seed + k` (or `seeds[k]`): the same sizes give the same councils
    every run. Councils are committed `per_commit` at a time (each on its own by default),
    so thousands of them never sit in one transaction; `progress(k)` is called after each commit.

    `interleave`: the actions and readings of the councils take turns in id order (council k's
    n-th row gets id start + (n - 1) × len(sizes) + k + 1), as in a database where every council
    wrote its history over the same months, rather than each council's rows side by side.
    Rows are stored in id order, so one council's rows are then spread over the whole table.
    """
    upgrade(url)
    engine = make_engine(url)
    councils: list[Council_] = []
    today = today or date.today()
    try:
        with Session(engine) as session:
            first = _next_ids(session)
        for start in range(0, len(sizes), per_commit):
            with Session(engine) as session:
                for k in range(start, min(start + per_commit, len(sizes))):
                    rnd = random.Random(seeds[k] if seeds else seed + k)
                    base = _next_ids(session)
                    spread = Spread(first, len(sizes), k) if interleave else None
                    councils.append(_load(session, sizes[k], today, rnd, base, spread))
                session.commit()
            if progress is not None:
                progress(len(councils))
        _fix_sequences(engine)
    finally:
        engine.dispose()
    return councils


# The tables whose ids the generator assigns (the others take the database's).
ID_TABLES = (Council, Department, User, Membership, Meeting, Journey, JourneyStep, Measure, Reading, Initiative, Action)


def _next_ids(session: Session) -> dict[type, int]:
    """Each table's largest id so far: a council's ids start after it."""
    return {model: session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one() for model in ID_TABLES}


@dataclass(frozen=True)
class Spread:
    """Interleaved ids for the big tables (generate_many's `interleave`): council `k` of `councils`."""

    first: dict[type, int]  # each table's largest id before the first council
    councils: int
    k: int

    def id(self, model: type, n: int) -> int:
        return self.first[model] + (n - 1) * self.councils + self.k + 1


def _load(  # noqa: PLR0915
    session: Session,
    size: Size,
    today: date,
    rnd: random.Random,
    base: dict[type, int] | None = None,
    spread: Spread | None = None,
) -> Council_:
    base = base or dict.fromkeys(ID_TABLES, 0)

    def big_id(model: type, n: int) -> int:
        """The n-th row's id in the actions or readings: after the others', or interleaved with them."""
        return base[model] + n if spread is None else spread.id(model, n)

    now = datetime.now(UTC).replace(microsecond=0)
    council_id = base[Council] + 1
    _bulk(session, Council, [{"id": council_id, "name": f"Bench council ({size.name})", "timezone": TIMEZONE}], now)

    departments = [
        {
            "id": base[Department] + d,
            "council_id": council_id,
            "name": f"Department {d:02d}",
            "is_external": d % 10 == 0,
        }
        for d in range(1, size.departments + 1)
    ]
    _bulk(session, Department, departments, now)

    # Seats: a chair, a secretary, one member per department.
    people = [("chair", None), ("secretary", None)] + [("member", d["id"]) for d in departments]
    users, seats = [], []
    # The first council's people are user1@…, as they always were; later councils' are c2-user1@… and so on.
    prefix = "" if council_id == 1 else f"c{council_id}-"
    for n, (role, department_id) in enumerate(people, start=1):
        user_id, seat_id = base[User] + n, base[Membership] + n
        users.append(
            {"id": user_id, "email": f"{prefix}user{n}@bench.example", "name": f"Person {n:03d}", "password_hash": "x"}
        )
        seats.append(
            {"id": seat_id, "council_id": council_id, "user_id": user_id, "role": role, "department_id": department_id}
        )
    _bulk(session, User, users, now)
    _bulk(session, Membership, seats, now)
    seat_ids = [s["id"] for s in seats]
    department_of = {s["id"]: s["department_id"] for s in seats}

    # Meetings: monthly, all held except the last, which is in two weeks.
    next_at = datetime.combine(today + timedelta(days=14), datetime.min.time(), UTC).replace(hour=9)
    meetings = []
    for number in range(1, size.meetings + 1):
        back = size.meetings - number
        meetings.append(
            {
                "id": base[Meeting] + number,
                "council_id": council_id,
                "number": number,
                "title": f"Meeting {number}",
                "scheduled_at": next_at - timedelta(days=30 * back),
                "location": "Room 4",
                "status": "scheduled" if back == 0 else "held",
            }
        )
    _bulk(session, Meeting, meetings, now)
    meeting_id = meetings[-1]["id"]
    previous_at = meetings[-2]["scheduled_at"] if len(meetings) > 1 else next_at - timedelta(days=30)

    # Journeys and their steps.
    journeys, steps, step_departments = [], [], []
    step_id = base[JourneyStep]
    department_ids = [d["id"] for d in departments]
    journey_ids = [base[Journey] + j for j in range(1, size.journeys + 1)]
    for j in journey_ids:
        journeys.append(
            {
                "id": j,
                "council_id": council_id,
                "name": f"Journey {j - base[Journey]:02d}",
                "owner_id": rnd.choice(seat_ids),
            }
        )
        for position in range(1, size.steps_per_journey + 1):
            step_id += 1
            steps.append(
                {"id": step_id, "journey_id": j, "position": position, "name": f"Step {position}", "channel": "phone"}
            )
            for k, d in enumerate(rnd.sample(department_ids, k=min(2, size.departments))):
                step_departments.append(
                    {"step_id": step_id, "department_id": d, "responsibility": "owns" if k == 0 else "contributes"}
                )
    _bulk(session, Journey, journeys, now)
    _bulk(session, JourneyStep, steps, now)
    _bulk(session, StepDepartment, step_departments, now)

    # Measures: a few overall, most per department, some per journey; monthly readings.
    kinds = ["nps", "csat", "ces", "fcr", "repeat_contact", "cost_to_serve", "custom"]
    measures, readings = [], []
    reading_n = 0
    for m in range(1, size.measures + 1):
        scope = "overall" if m <= max(1, size.measures // 15) else ("journey" if m % 8 == 0 else "department")
        kind = kinds[m % len(kinds)]
        lower = kind in ("ces", "repeat_contact", "cost_to_serve")
        measures.append(
            {
                "id": base[Measure] + m,
                "council_id": council_id,
                "name": f"Measure {m:03d} ({kind})",
                "kind": kind,
                "category": "survey_rating" if kind in ("nps", "csat", "ces") else "operational",
                "unit": "%" if kind in ("csat", "fcr") else "",
                "direction": "lower_is_better" if lower else "higher_is_better",
                "target": round(rnd.uniform(20, 80), 1),
                "owner_id": rnd.choice(seat_ids),
                "scope": scope,
                "department_id": rnd.choice(department_ids) if scope == "department" else None,
                "journey_id": rnd.choice(journey_ids) if scope == "journey" else None,
            }
        )
        value = rnd.uniform(20, 80)
        for back in range(size.readings_per_measure - 1, -1, -1):
            value = min(100.0, max(0.0, value + rnd.uniform(-3, 3)))
            reading_n += 1
            readings.append(
                {
                    "id": big_id(Reading, reading_n),
                    "measure_id": base[Measure] + m,
                    "period": _month_start(today, back + 1),
                    "value": round(value, 2),
                    "sample_size": rnd.randint(50, 500),
                }
            )
    _bulk(session, Measure, measures, now)
    _bulk(session, Reading, readings, now)

    # Initiatives: the same live portfolio whatever the history.
    statuses = ["proposed", "approved", "in_progress", "done", "rejected", "on_hold"]
    initiatives, initiative_measures = [], []
    for i in range(1, size.initiatives + 1):
        status = statuses[i % len(statuses)]
        initiatives.append(
            {
                "id": base[Initiative] + i,
                "council_id": council_id,
                "title": f"Initiative {i:03d}",
                "status": status,
                "proposed_by_id": rnd.choice(seat_ids),
                "owner_id": rnd.choice(seat_ids),
                "journey_id": rnd.choice(journey_ids),
                "start_on": today - timedelta(days=rnd.randint(0, 300)),
                "target_on": today + timedelta(days=rnd.randint(30, 300)),
                "rag": rnd.choice(["green", "amber", "red"]) if status == "in_progress" else None,
                "percent_complete": rnd.randint(0, 100) if status == "in_progress" else 0,
                "failure_volume_per_year": rnd.randint(100, 50_000),
                "unit_cost": rnd.choice([3.0, 12.5, 150.0]),
                "implementation_cost": float(rnd.randint(1_000, 200_000)),
                "customer_impact": rnd.randint(1, 5),
                "effort": rnd.randint(1, 5),
                "strategic_fit": rnd.randint(1, 5),
                "confidence": rnd.randint(1, 5),
                "created_at": now - timedelta(days=rnd.randint(0, 700)),
            }
        )
        for m in rnd.sample(range(1, size.measures + 1), k=min(2, size.measures)):
            initiative_measures.append(
                {
                    "initiative_id": base[Initiative] + i,
                    "measure_id": base[Measure] + m,
                    "baseline_value": 50.0,
                    "baseline_on": today - timedelta(days=90),
                }
            )
    _bulk(session, Initiative, initiatives, now)
    _bulk(session, InitiativeMeasure, initiative_measures, now)

    # Actions: the open work, a few closed since the previous meeting, and the history.
    actions, open_ids = [], []
    members = seat_ids[2:] or seat_ids
    recent_closed = min(30, size.closed_actions)
    total = size.open_actions + size.closed_actions
    for a in range(1, total + 1):
        owner = rnd.choice(members)
        if a <= size.open_actions:
            status = rnd.choice(["open", "open", "in_progress", "blocked"])
            due = today + timedelta(days=rnd.randint(-60, 120))
            raised_meeting = meetings[-rnd.randint(2, min(6, len(meetings)))]["id"] if len(meetings) > 1 else None
            closed_at = None
            open_ids.append(big_id(Action, a))
        else:
            status = "done" if rnd.random() < 0.85 else "cancelled"
            if a <= size.open_actions + recent_closed:
                closed_at = previous_at + timedelta(days=rnd.randint(1, 13), hours=rnd.randint(0, 8))
            else:
                closed_at = previous_at - timedelta(days=rnd.uniform(1, 30 * (size.meetings - 1)))
            due = (closed_at + timedelta(days=rnd.randint(-20, 20))).date()
            raised_meeting = None
        actions.append(
            {
                "id": big_id(Action, a),
                "council_id": council_id,
                "title": f"Action {a:05d}: follow up on the customer feedback",
                "description": "Generated for the benchmark.",
                "owner_id": owner,
                "department_id": department_of.get(owner),
                "due_on": due,
                "status": status,
                "raised_at_meeting_id": raised_meeting,
                "raised_at_item": rnd.randint(1, 9) if raised_meeting else None,
                "percent_complete": 100 if status == "done" else rnd.randint(0, 90),
                "closed_at": closed_at,
                # Core inserts bypass the ORM's keeper of closed_on (app/models/actions.py).
                "closed_on": closing_day(closed_at, TIMEZONE),
            }
        )
    _bulk(session, Action, actions, now)

    # This meeting: attendance so far, every department's report, a few AOB items.
    _bulk(
        session,
        Attendance,
        [
            {"meeting_id": meeting_id, "membership_id": s, "status": "apologies", "note": "Away"}
            for s in seat_ids[2 : 2 + max(1, len(seat_ids) // 10)]
        ],
        now,
    )
    _bulk(
        session,
        DepartmentReport,
        [
            {
                "meeting_id": meeting_id,
                "department_id": d["id"],
                "author_id": base[User] + 3 + i if 3 + i <= len(users) else None,
                "summary": "Quieter month; repeat contacts down.",
                "improvements": "New script for outage calls.",
                "best_practice": "Call-backs within the hour.",
            }
            for i, d in enumerate(departments)
        ],
        now,
    )
    _bulk(
        session,
        AobItem,
        [
            {"meeting_id": meeting_id, "submitted_by_id": seat_ids[-1], "title": f"Any other business {n}"}
            for n in range(1, 4)
        ],
        now,
    )
    span_days = 30 * max(1, size.meetings - 1)
    _bulk(
        session,
        Research,
        [
            {
                "council_id": council_id,
                "title": f"Research {r}",
                "conducted_on": today - timedelta(days=int(span_days * r / size.research)),
                "method": "survey",
                "summary": "What customers told us.",
            }
            for r in range(size.research)
        ],
        now,
    )
    add_feedback(
        session,
        council_id=council_id,
        department_ids=department_ids,
        responses=size.feedback_responses,
        today=today,
        rnd=rnd,
    )
    # Last, so that the rows above are the same with or without them.
    if size.minutes:
        _add_minutes(session, meetings[:-1], chair_user_id=base[User] + 1, now=now)
    _add_papers(session, council_id=council_id, meeting_id=meeting_id, count=size.papers, now=now)
    return Council_(
        council_id=council_id, meeting_id=meeting_id, chair_user_id=base[User] + 1, open_action_ids=open_ids
    )


MINUTES_NOTES = (
    "The chair welcomed members; apologies as recorded.",
    "Repeat contacts fell for the third month; the call centre will share its script.",
    "Field Engineering reported fewer second visits since vans carry the common parts.",
    "The council reviewed the initiatives at amber and agreed the owners' recovery dates.",
)


def _add_minutes(session: Session, held: list[dict], *, chair_user_id: int, now: datetime) -> None:
    """Minutes of the held meetings: approved, the last one still a draft; notes under each item, two decisions."""
    minutes, items, decisions = [], [], []
    for index, meeting in enumerate(held):
        draft = index == len(held) - 1
        minutes.append(
            {
                "meeting_id": meeting["id"],
                "status": "draft" if draft else "approved",
                "approved_at": None if draft else meeting["scheduled_at"] + timedelta(days=30),
                "approved_by_id": None if draft else chair_user_id,
                "taken_by_id": chair_user_id,
                "previous_minutes_approved": index > 0,
            }
        )
        items += [
            {"meeting_id": meeting["id"], "number": n, "notes": MINUTES_NOTES[n % len(MINUTES_NOTES)]}
            for n in range(1, 10)
        ]
        decisions += [
            {"meeting_id": meeting["id"], "number": n, "item_number": 4 + n, "text": f"Agreed: decision {n}."}
            for n in (1, 2)
        ]
    _bulk(session, Minutes, minutes, now)
    _bulk(session, MinutesItem, items, now)
    _bulk(session, Decision, decisions, now)


PAPER = Path(__file__).resolve().parent.parent / "app" / "demo" / "files" / "field-repeat-visits.pdf"


def _add_papers(session: Session, *, council_id: int, meeting_id: int, count: int, now: datetime) -> None:
    """`count` PDF papers on the next meeting's items, each with its own bytes (the demo's PDF, marked)."""
    if count <= 0:
        return
    pdf = PAPER.read_bytes()
    papers, blobs = [], []
    for n in range(1, count + 1):
        # A comment after the end marker: a valid PDF, and bytes of its own (the store keeps each file once).
        content = pdf + f"%bench council {council_id} paper {n}\n".encode()
        key = content_key(content)
        blobs.append({"key": key, "content": content, "size": len(content), "created_at": now})
        papers.append(
            {
                "council_id": council_id,
                "attached_to": "item",
                "meeting_id": meeting_id,
                "section_key": SECTION_KEYS[n % len(SECTION_KEYS)],
                "name": f"Paper {n}.pdf",
                "media_type": "application/pdf",
                "kind": "PDF",
                "size": len(content),
                "sha256": key,
                "storage_key": key,
            }
        )
    _bulk(session, PaperBlob, blobs, now)
    _bulk(session, Paper, papers, now)


def main() -> None:  # pragma: no cover - a manual check: python -m bench.data URL [SIZE | --councils N]
    import sys
    import time

    started = time.perf_counter()
    if len(sys.argv) > 3 and sys.argv[2] == "--councils":  # noqa: PLR2004
        from bench.many import build_many

        council = build_many(sys.argv[1], int(sys.argv[3]), max(1, int(sys.argv[3]) // 100))
    else:
        council = generate(sys.argv[1], SIZES[sys.argv[2] if len(sys.argv) > 2 else "small"])  # noqa: PLR2004
    print(council.meeting_id, len(council.open_action_ids), f"{time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
