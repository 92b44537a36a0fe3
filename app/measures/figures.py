"""Measures with their figures: the latest and previous reading, change, status and trend,
derived in a fixed number of queries whatever the count."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.common import today_in
from app.measures.schemas import MeasurePublic, PointPublic
from app.measures.stats import TREND_PERIODS, Point, measure_stats
from app.models import Council, Department, Journey, Measure, Membership, Reading, User


@dataclass(frozen=True)
class MeasureFilters:
    scope: str | None = None
    department_id: int | None = None
    journey_id: int | None = None
    status: str | None = None


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def stale_before(today: date) -> date:
    """A measure whose latest reading is older than this has missed last month's reading."""
    return _month_start(_month_start(today) - timedelta(days=1))


def _public_query():
    owner_user = aliased(User)
    return (
        select(Measure, owner_user.name, Department.name, Journey.name)
        .outerjoin(Membership, Membership.id == Measure.owner_id)
        .outerjoin(owner_user, owner_user.id == Membership.user_id)
        .outerjoin(Department, Department.id == Measure.department_id)
        .outerjoin(Journey, Journey.id == Measure.journey_id)
    )


def _recent_points(session: Session, measure_filter) -> dict[int, list[Point]]:
    """The last TREND_PERIODS readings of each measure matching `measure_filter`, in one query."""
    rank = func.row_number().over(partition_by=Reading.measure_id, order_by=col(Reading.period).desc()).label("rank")
    recent = (
        select(Reading.measure_id, Reading.period, Reading.value, rank)
        .join(Measure, Measure.id == Reading.measure_id)
        .where(measure_filter)
        .subquery()
    )
    points: dict[int, list[Point]] = defaultdict(list)
    for measure_id, period, value in session.exec(
        select(recent.c.measure_id, recent.c.period, recent.c.value).where(recent.c.rank <= TREND_PERIODS)
    ):
        points[measure_id].append(Point(period, value))
    return points


def _reading_counts(session: Session, measure_filter) -> dict[int, int]:
    rows = session.exec(
        select(Reading.measure_id, func.count())
        .join(Measure, Measure.id == Reading.measure_id)
        .where(measure_filter)
        .group_by(Reading.measure_id)
    )
    return dict(rows.all())


def _point(p: Point | None) -> PointPublic | None:
    return None if p is None else PointPublic(period=p.period, value=p.value)


def _publics(session: Session, measure_filter, today: date) -> list[MeasurePublic]:
    """Measures with their names resolved and their figures derived: three queries, whatever the count."""
    points = _recent_points(session, measure_filter)
    counts = _reading_counts(session, measure_filter)
    cutoff = stale_before(today)
    result = []
    # The agenda's order: the overall measures, then each department's, then each journey's.
    scope_order = case({"overall": 0, "department": 1}, value=Measure.scope, else_=2)
    query = (
        _public_query()
        .where(measure_filter)
        .order_by(scope_order, Department.name, Journey.name, func.lower(Measure.name), col(Measure.id))
    )
    for measure, owner_name, department_name, journey_name in session.exec(query):
        stats = measure_stats(direction=measure.direction, target=measure.target, readings=points[measure.id])
        result.append(
            MeasurePublic(
                **measure.model_dump(),
                owner_name=owner_name,
                department_name=department_name,
                journey_name=journey_name,
                latest=_point(stats.latest),
                previous=_point(stats.previous),
                # 11.8 - 11.5 is 0.3000000000000007 in floating point; nobody means the tail.
                change=None if stats.change is None else round(stats.change, 9),
                on_target=stats.on_target,
                movement=stats.movement,
                status=stats.status,
                trend=[_point(p) for p in stats.trend],
                slope=None if stats.slope is None else round(stats.slope, 9),
                reading_count=counts.get(measure.id, 0),
                stale=stats.latest is None or stats.latest.period < cutoff,
            )
        )
    return result


def list_measures(*, session: Session, council: Council, filters: MeasureFilters | None = None) -> list[MeasurePublic]:
    """The council's measures (overall, then by department, then by journey; each by name) with their figures."""
    filters = filters or MeasureFilters()
    condition = Measure.council_id == council.id
    for field in ("scope", "department_id", "journey_id"):
        value = getattr(filters, field)
        if value is not None:
            condition = condition & (getattr(Measure, field) == value)
    measures = _publics(session, condition, today_in(council.timezone))
    if filters.status is not None:
        measures = [m for m in measures if m.status == filters.status]
    return measures


def get_measure_public(*, session: Session, measure: Measure, council: Council) -> MeasurePublic:
    """One measure with its figures."""
    return _publics(session, Measure.id == measure.id, today_in(council.timezone))[0]
