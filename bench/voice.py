"""Feedback for a bench council: N goal-support responses over a year, themed as the product does.

So `agenda_queries_large` and the agenda's build time are measured with the customer's
voice in the council (issue #12: "≤ 15 with 100,000 responses"). Texts are the demo's
(app/demo/feedback.py), spread over the council's departments; theming and the monthly
counts are the feedback domain's own (`retheme_council`), as an import would leave them.
"""

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session

from app.demo.feedback import ARRIVAL, ESTIMATE, HELPED, ON_HOLD, PASSED_AROUND, REPEAT_VISIT, STARTER_THEMES
from app.feedback.counts import retheme_council
from app.feedback.trends import add_months
from app.models import FeedbackResponse, FeedbackSettings, Theme

HINDRANCES = (REPEAT_VISIT, ESTIMATE, ON_HOLD, ARRIVAL, PASSED_AROUND)


def add_feedback(
    session: Session, *, council_id: int, department_ids: list[int], responses: int, today: date, rnd: random.Random
) -> None:
    """`responses` responses over the 12 months before `today`, with the demo's themes and their counts."""
    if responses <= 0:
        return
    now = datetime.now(UTC).replace(microsecond=0)
    session.add(FeedbackSettings(council_id=council_id, rating_min=1, rating_max=5, column_map={}))
    for name, phrases in STARTER_THEMES:
        session.add(Theme(council_id=council_id, name=name, phrases=phrases))
    session.flush()
    first = add_months(today.replace(day=1), -12)
    rows = []
    for n in range(responses):
        month = add_months(first, n * 12 // responses)
        texts = rnd.choice(HINDRANCES)
        rows.append(
            {
                "council_id": council_id,
                "response_ref": f"B-{n:06d}",
                "responded_on": month + timedelta(days=rnd.randrange(28)),
                "department_id": rnd.choice(department_ids),
                "channel": "phone",
                "goal_rating": rnd.randint(1, 5),
                "helped": rnd.choice(HELPED) if rnd.random() < 0.7 else "",
                "hindered": rnd.choice(texts) if rnd.random() < 0.8 else "",
                "comment": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    for start in range(0, len(rows), 10_000):
        session.execute(insert(FeedbackResponse.__table__), rows[start : start + 10_000])
    retheme_council(session=session, council_id=council_id)
