"""Theming a council's whole history and storing the monthly counts: flush, never commit.

Runs after every import and every change to the theme list, inside the caller's
transaction, so the mentions and the counts always agree with the responses and the
themes (a trend compares like with like: every month themed by today's list).

Speed (100,000 responses, two texts each): one query loads the texts, matching is
vectorised (app/feedback/themes.py), mentions and counts go in as Core executemany
batches, never one ORM object per row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from app.feedback.themes import POLARITY_OF_FIELD, Matcher, ThemeSpec, comment_polarity
from app.models import FeedbackMonth, FeedbackResponse, Theme, ThemeMention, ThemeMonth
from app.revision import in_council

BATCH = 5000
FIELDS = ("helped", "hindered", "comment")


@dataclass(frozen=True)
class ThemingResult:
    responses: int
    mentions: int


def month_of(day: date) -> date:
    return day.replace(day=1)


def theme_specs(session: Session, council_id: int) -> list[ThemeSpec]:
    rows = session.exec(
        select(Theme.id, Theme.phrases, Theme.department_id, Theme.journey_id)
        .where(Theme.council_id == council_id)
        .order_by(col(Theme.id))
    )
    return [ThemeSpec(id=i, phrases=tuple(p or ()), department_id=d, journey_id=j) for i, p, d, j in rows]


def find_mentions(themes: list[ThemeSpec], responses: list) -> list[dict]:
    """Mention rows for `responses` (each with id, department_id, journey_id, the three texts, comment_sentiment)."""
    if not themes or not responses:
        return []
    matcher = Matcher(themes)
    theme_ids = [t.id for t in themes]
    theme_departments = [t.department_id for t in themes]
    theme_journeys = [t.journey_id for t in themes]
    scoped = any(d is not None for d in theme_departments) or any(j is not None for j in theme_journeys)
    mentions: list[dict] = []
    for field in FIELDS:
        found = matcher.match([getattr(r, field) for r in responses]).tocoo()
        fixed = POLARITY_OF_FIELD.get(field)
        for row, column in zip(found.row.tolist(), found.col.tolist(), strict=True):
            response = responses[row]
            if scoped:
                department, journey = theme_departments[column], theme_journeys[column]
                if (department is not None and department != response.department_id) or (
                    journey is not None and journey != response.journey_id
                ):
                    continue
            polarity = fixed if fixed is not None else comment_polarity(response.comment_sentiment)
            mentions.append(
                {"response_id": response.id, "theme_id": theme_ids[column], "field": field, "polarity": polarity}
            )
    return mentions


def feedback_months(council_id: int, responses: list) -> list[dict]:
    """FeedbackMonth rows: responses and rating sums per month, per department and for all (None)."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in responses:
        month = month_of(r.responded_on)
        for department in {None, r.department_id}:
            cell = totals[(department, month)]
            cell[0] += 1
            if r.goal_rating is not None:
                cell[1] += r.goal_rating
                cell[2] += 1
    return [
        {
            "council_id": council_id,
            "department_id": department,
            "month": month,
            "responses": n,
            "rating_sum": rating_sum,
            "rating_count": rating_count,
        }
        for (department, month), (n, rating_sum, rating_count) in sorted(totals.items(), key=lambda item: _key(item[0]))
    ]


def theme_months(council_id: int, responses: list, mentions: list[dict]) -> list[dict]:
    """ThemeMonth rows: responses mentioning each theme per month and polarity, per department and for all."""
    where = {r.id: (month_of(r.responded_on), r.department_id) for r in responses}
    # A response counts once per theme and polarity, however many of its fields mention it.
    distinct = Counter()
    for m in {(m["response_id"], m["theme_id"], m["polarity"]) for m in mentions}:
        month, department = where[m[0]]
        distinct[(m[1], None, month, m[2])] += 1
        if department is not None:
            distinct[(m[1], department, month, m[2])] += 1
    names = {-1: "negative", 1: "positive", 0: "neutral"}
    cells: dict[tuple, dict] = {}
    for (theme_id, department, month, polarity), n in distinct.items():
        cell = cells.get((theme_id, department, month))
        if cell is None:
            cell = cells[(theme_id, department, month)] = {
                "council_id": council_id,
                "theme_id": theme_id,
                "department_id": department,
                "month": month,
                "negative": 0,
                "positive": 0,
                "neutral": 0,
            }
        cell[names[polarity]] += n
    return [cells[key] for key in sorted(cells, key=_key)]


def _key(key: tuple) -> tuple:
    # None (all departments) sorts first, without comparing None with an int.
    return tuple((-1 if part is None else part) if not isinstance(part, date) else part.toordinal() for part in key)


def _insert(session: Session, model, rows: list[dict], council_id: int) -> None:
    # Core executemany through the session: fast, and the session still notes the write
    # (app/revision.py replaces the council's stamp on commit).
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model.__table__), rows[start : start + BATCH], execution_options=in_council(council_id))


def load_responses(session: Session, council_id: int) -> list:
    return list(
        session.execute(
            select(
                FeedbackResponse.id,
                FeedbackResponse.department_id,
                FeedbackResponse.journey_id,
                FeedbackResponse.responded_on,
                FeedbackResponse.goal_rating,
                FeedbackResponse.helped,
                FeedbackResponse.hindered,
                FeedbackResponse.comment,
                FeedbackResponse.comment_sentiment,
            ).where(FeedbackResponse.council_id == council_id)
        )
    )


def retheme_council(*, session: Session, council_id: int) -> ThemingResult:
    """Match today's theme list against every response of the council, and recompute the monthly counts."""
    session.flush()
    responses = load_responses(session, council_id)
    themes = theme_specs(session, council_id)
    mentions = find_mentions(themes, responses)
    council_themes = select(Theme.id).where(Theme.council_id == council_id).scalar_subquery()
    # No ORM objects of these tables are held, so there is nothing to synchronise (and
    # "auto" would first SELECT every id it is about to delete).
    plain = {"synchronize_session": False, **in_council(council_id)}
    session.execute(delete(ThemeMention).where(col(ThemeMention.theme_id).in_(council_themes)), execution_options=plain)
    session.execute(delete(ThemeMonth).where(ThemeMonth.council_id == council_id), execution_options=plain)
    session.execute(delete(FeedbackMonth).where(FeedbackMonth.council_id == council_id), execution_options=plain)
    _insert(session, ThemeMention, mentions, council_id)
    _insert(session, ThemeMonth, theme_months(council_id, responses, mentions), council_id)
    _insert(session, FeedbackMonth, feedback_months(council_id, responses), council_id)
    return ThemingResult(responses=len(responses), mentions=len(mentions))
