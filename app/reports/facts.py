"""Read what the scorecard scores from the improvement loop: action-plan metrics and feedback counts.

A fixed number of queries whatever the number of responses: the monthly counts
(FeedbackMonth, ThemeMonth) are stored as feedback is imported, so nothing here reads a
verbatim. The agenda reads the same counts in its own single query and converts them
with `feedback_facts_from_trends`, so its scorecards agree with this one.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.feedback.trends import TrendData, load_trend_data
from app.measures.stats import Point
from app.models import Council, Measure, Reading, RootCause, RootCauseMeasure
from app.reports.score_parts import FeedbackFacts, FeedbackSums, MeasureFact, windows


@dataclass
class LoopFacts:
    """department id → its action-plan metrics and its feedback counts."""

    plan_metrics: dict[int, list[MeasureFact]] = field(default_factory=dict)
    # measure ids of every action-plan metric, for callers that show them elsewhere
    plan_metric_ids: set[int] = field(default_factory=set)
    # (the agenda gives them summed over the scorecard's windows already: what score_department reads)
    feedback: dict[int, FeedbackFacts | FeedbackSums] = field(default_factory=dict)


def load_plan_metrics(
    *, session: Session, council: Council, readings: dict[int, list[Point]] | None = None
) -> tuple[dict[int, list[MeasureFact]], set[int]]:
    """department id → the measures picked as action-plan metrics, each with its first workshop's day.

    `readings` (measure id → points, oldest first) saves a query when the caller has them.
    """
    rows = list(
        session.exec(
            select(Measure.id, Measure.name, Measure.direction, Measure.target, Measure.department_id)
            .add_columns(func.min(RootCause.created_at).label("since"))
            .join(RootCauseMeasure, RootCauseMeasure.measure_id == Measure.id)
            .join(RootCause, RootCause.id == RootCauseMeasure.root_cause_id)
            .where(Measure.council_id == council.id, col(Measure.department_id).is_not(None))
            .group_by(Measure.id, Measure.name, Measure.direction, Measure.target, Measure.department_id)
            .order_by(col(Measure.name))
        )
    )
    ids = {row.id for row in rows}
    if readings is None and ids:
        readings = defaultdict(list)
        for measure_id, period, value in session.exec(
            select(Reading.measure_id, Reading.period, Reading.value)
            .where(col(Reading.measure_id).in_(ids))
            .order_by(col(Reading.period))
        ):
            readings[measure_id].append(Point(period, value))
    metrics: dict[int, list[MeasureFact]] = defaultdict(list)
    for row in rows:
        since = row.since.date() if row.since else None
        points = tuple((readings or {}).get(row.id, ()))
        metrics[row.department_id].append(MeasureFact(row.name, row.direction, row.target, points, since=since))
    return dict(metrics), ids


def feedback_facts_from_trends(trends: TrendData) -> dict[int, FeedbackFacts]:
    """department id → its FeedbackFacts, from the feedback domain's loaded monthly counts."""
    responses: dict[int, dict[date, int]] = defaultdict(dict)
    ratings: dict[int, dict[date, tuple[int, int]]] = defaultdict(dict)
    for (department_id, month), (n, rating_sum, rating_count) in trends.response_counts.items():
        if department_id is not None:
            responses[department_id][month] = n
            ratings[department_id][month] = (rating_sum, rating_count)
    negative: dict[int, dict[str, dict[date, int]]] = defaultdict(lambda: defaultdict(dict))
    for (theme_id, department_id, month), (count, _, _) in trends.theme_counts.items():
        if department_id is not None and count > 0 and theme_id in trends.themes:
            negative[department_id][trends.themes[theme_id]][month] = count
    return {
        d: FeedbackFacts(
            responses=responses[d],
            rating_sums=ratings[d],
            negative={name: dict(months) for name, months in negative[d].items()},
            rating_min=trends.rating_min,
            rating_max=trends.rating_max,
        )
        for d in set(responses) | set(negative)
    }


def load_feedback_facts(*, session: Session, council: Council, today: date) -> dict[int, FeedbackFacts]:
    """department id → its responses, ratings and negative theme counts in the scorecard's 6 months."""
    recent, before = windows(today)
    trends = load_trend_data(session=session, council_id=council.id, months=len(before + recent), until=recent[-1])
    return feedback_facts_from_trends(trends)


def load_loop_facts(
    *, session: Session, council: Council, today: date, readings: dict[int, list[Point]] | None = None
) -> LoopFacts:
    """Everything the scorecard needs from the loop: two queries for the metrics, the trends loader for feedback."""
    metrics, ids = load_plan_metrics(session=session, council=council, readings=readings)
    return LoopFacts(
        plan_metrics=metrics,
        plan_metric_ids=ids,
        feedback=load_feedback_facts(session=session, council=council, today=today),
    )
