"""A year of goal-supported survey feedback for the demo utility, themed with a starter list.

Deterministic (a seeded random generator, dates relative to `today`). The story:

- "Repeat engineer visit" (engineers arriving without the right parts) is the top
  negative theme for Field Engineering until the diagnosis checklist was trialled on
  calls about six months ago; it falls after that, and Field Engineering's goal-support
  rating recovers;
- "Billing estimate" rises month by month since the move to estimated bills;
- customers passed from team to team ("explain my problem again") match no theme yet:
  the discovery suggests it, for the chair to accept.
"""

import random
from datetime import date, timedelta

from sqlalchemy import insert
from sqlmodel import Session

from app.feedback.counts import retheme_council
from app.feedback.csvfile import mask
from app.feedback.themes import sentiment
from app.feedback.trends import add_months
from app.models import Council, Department, FeedbackResponse, FeedbackSettings, Theme, utcnow

SEED = 20261129
PER_MONTH = 260
FIX_MONTH = 6  # of 12: the diagnosis checklist on fault calls

STARTER_THEMES = [
    ("Repeat engineer visit", ["engineer came back without parts", "second visit", "wrong part", "come back again"]),
    ("Billing estimate", ["estimated bill", "bill estimate", "estimated reading"]),
    ("Long wait on the phone", ["on hold", "waited on the phone", "long wait call"]),
    ("Arrival time unknown", ["arrival time", "no idea when engineer", "waited in all day"]),
    ("Knowledgeable, friendly staff", ["friendly engineer", "knew what they were doing", "helpful agent"]),
]

REPEAT_VISIT = [
    "The engineer came back without the parts he needed",
    "Needed a second visit because the engineer brought the wrong part",
    "Engineer had to come back again the next week",
    "First engineer could not fix it and a second visit was booked",
    "They sent an engineer without the part, so he had to come back again",
]
ESTIMATE = [
    "My bill was estimated again even though I sent a reading",
    "The estimated bill was far too high",
    "Another estimated bill, nobody used my meter reading",
    "Bill based on an estimated reading, not the real one",
]
ON_HOLD = [
    "Waited on the phone for forty minutes",
    "On hold for ages before anyone answered",
    "A long wait on the call before I got through",
]
ARRIVAL = [
    "No idea when the engineer would turn up",
    "Waited in all day for the visit",
    "No text about the arrival time",
]
PASSED_AROUND = [
    "Had to explain my problem again to every person",
    "Passed between departments and explained my problem again",
    "Transferred three times and had to explain my problem again each time",
    "Nobody owned my complaint, I was passed between departments",
]
HELPED = [
    "The friendly engineer fixed it first time",
    "The agent knew what they were doing",
    "A helpful agent explained everything",
    "Quick to answer the phone",
    "Clear updates by text",
    "The app showed my bill clearly",
]
COMMENTS = [
    "Good service in the end, thank you",
    "Really disappointed, this took far too long",
    "Terrible experience, I am thinking of switching supplier",
    "Happy with how it was sorted",
    "Fine, nothing special",
    "Please call me back on 0113 496 0000 about this",
    "Email me at j.smith@example.com, nobody replied",
    "Brilliant engineer, very polite",
]
# Department → the chance a response names each hindrance (before, after the fix / growth).
CHANNELS = {"Call Centre": "phone", "Field Engineering": "home visit", "Billing": "letter", "Digital": "app"}
WEIGHTS = {
    "Call Centre": 5,
    "Field Engineering": 4,
    "Billing": 4,
    "Digital": 2,
    "ContactPlus (outsourced contact centre)": 2,
}


def _hindered(rng: random.Random, department: str, month: int) -> tuple[str, int]:
    """What hindered (or "") and how many rating points it costs."""
    after_fix = month >= FIX_MONTH
    roll = rng.random()
    if department == "Field Engineering":
        repeat = 0.16 if after_fix else 0.5
        if roll < repeat:
            return rng.choice(REPEAT_VISIT), 2
        if roll < repeat + 0.2:
            return rng.choice(ARRIVAL), 1
    elif department == "Billing":
        estimate = 0.08 + 0.04 * month
        if roll < estimate:
            return rng.choice(ESTIMATE), 2
    elif department in ("Call Centre", "ContactPlus (outsourced contact centre)"):
        if roll < 0.25:
            return rng.choice(ON_HOLD), 1
        if roll < 0.35 and not after_fix:
            return rng.choice(REPEAT_VISIT), 1
    elif roll < 0.2:
        return rng.choice(ARRIVAL), 1
    if rng.random() < 0.3:
        return rng.choice(PASSED_AROUND), 1
    return "", 0


def load_feedback_demo(*, session: Session, council: Council, departments: dict[str, Department], today: date) -> int:
    """Themes, a year of responses and their counts; returns the number of responses."""
    rng = random.Random(SEED)
    session.add(FeedbackSettings(council_id=council.id, rating_min=1, rating_max=5, column_map={}))
    for name, phrases in STARTER_THEMES:
        session.add(Theme(council_id=council.id, name=name, phrases=phrases))
    session.flush()
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    first = add_months(today, -12)
    now = utcnow()
    scores: dict[str, float | None] = {}
    rows = []
    for month in range(12):
        start = add_months(first, month)
        days = (add_months(start, 1) - start).days
        for n in range(PER_MONTH):
            department = rng.choices(names, weights)[0]
            hindered, cost = _hindered(rng, department, month)
            helped = rng.choice(HELPED) if rng.random() < 0.7 else ""
            comment = mask(rng.choice(COMMENTS)) if rng.random() < 0.3 else ""
            if comment not in scores:
                scores[comment] = sentiment(comment)
            rating = max(1, min(5, round(rng.gauss(4.2, 0.6)) - cost))
            rows.append(
                {
                    "council_id": council.id,
                    "response_ref": f"NU-{start:%Y%m}-{n:04d}",
                    "responded_on": start + timedelta(days=rng.randrange(days)),
                    "department_id": departments[department].id,
                    "journey_id": None,
                    "channel": CHANNELS.get(department, "phone"),
                    "goal_rating": rating,
                    "helped": helped,
                    "hindered": hindered,
                    "comment": comment,
                    "comment_sentiment": scores[comment],
                    "created_at": now,
                    "updated_at": now,
                }
            )
    session.execute(insert(FeedbackResponse.__table__), rows)
    retheme_council(session=session, council_id=council.id)
    return len(rows)
