"""Theme and rating trends, read from the stored monthly counts only (never the verbatims).

For the trends page and API, and for the agenda and scorecard built on them:

- `load_trend_data(session, council_id, months, until)` runs a fixed number of queries
  (six, or five with `until` given), whatever the number of responses;
- `council_trends`, `theme_trends`, `department_theme_trends`, `rating_trend` and
  `department_rating_trends` are thin wrappers: load, then a pure build function;
- `build_*` functions take `TrendData` and are tested without a database.

The window is the `months` calendar months ending at `until` (default: the latest month
with any responses, so an export that lags a month still shows a full window). "Change"
is the least-squares fitted change across the months that have responses, so one noisy
month does not decide the direction (weighted by each month's responses, so a partial
month of a few responses cannot swing it); "rising"/"falling" need a change of at least a
fifth of the level (and a point of share, or 5% of the rating scale).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, func, select

from app.models import Department, FeedbackMonth, FeedbackSettings, Theme, ThemeMonth

MIN_SHARE_CHANGE = 0.01
RELATIVE_CHANGE = 0.2
RATING_CHANGE = 0.05  # of the scale's range
NO_COUNTS = (0, 0, 0)


@dataclass(frozen=True)
class MonthPoint:
    month: date
    responses: int
    negative: int
    positive: int
    neutral: int
    # Negative mentions over the month's responses (for that department, or all); None without responses.
    share: float | None


@dataclass(frozen=True)
class ThemeTrend:
    theme_id: int
    name: str
    department_id: int | None  # None: all departments
    points: tuple[MonthPoint, ...]
    negative: int  # over the window
    share: float | None  # over the window
    change: float | None  # fitted change of the monthly share across the window
    direction: str  # rising | falling | steady | no data


@dataclass(frozen=True)
class RatingPoint:
    month: date
    responses: int
    rated: int
    average: float | None


@dataclass(frozen=True)
class RatingTrend:
    department_id: int | None
    rating_min: int
    rating_max: int
    points: tuple[RatingPoint, ...]
    average: float | None  # over the window
    change: float | None
    direction: str


@dataclass(frozen=True)
class TrendData:
    """Everything the trends need, as loaded: plain tuples, no ORM objects."""

    months: tuple[date, ...]
    themes: dict[int, str]  # id → name
    departments: dict[int, str]
    # (theme_id, department_id, month) → (negative, positive, neutral)
    theme_counts: dict[tuple[int, int | None, date], tuple[int, int, int]] = field(default_factory=dict)
    # (department_id, month) → (responses, rating_sum, rating_count)
    response_counts: dict[tuple[int | None, date], tuple[int, int, int]] = field(default_factory=dict)
    rating_min: int = 1
    rating_max: int = 5


@dataclass(frozen=True)
class CouncilTrends:
    months: tuple[date, ...]
    themes: list[ThemeTrend]
    rating: RatingTrend
    departments: dict[int, list[ThemeTrend]]
    department_ratings: dict[int, RatingTrend]
    department_names: dict[int, str]


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def window(until: date, months: int) -> tuple[date, ...]:
    last = until.replace(day=1)
    return tuple(add_months(last, -i) for i in reversed(range(months)))


def fitted_change(values: list[float | None], weights: list[float] | None = None) -> float | None:
    """Least-squares slope × the span of the months that have values; None with fewer than two.

    Weighted by each month's responses when given: a month of two responses (a
    partial month just imported) must not swing a trend built on hundreds a month.
    Two passes over the months (the sums, then the spread and the slope about their means),
    each term added in the months' order as `sum` would add it: the same float to the bit.
    """
    weights = weights or [1.0] * len(values)
    points = []
    total = sum_x = sum_y = 0
    for i, (v, w) in enumerate(zip(values, weights, strict=True)):
        if v is not None and w > 0:
            points.append((i, v, w))
            total += w
            sum_x += i * w
            sum_y += v * w
    if len(points) < 2:
        return None
    mean_x, mean_y = sum_x / total, sum_y / total
    spread = moment = 0
    for i, v, w in points:
        spread += w * (i - mean_x) ** 2
        moment += w * (i - mean_x) * (v - mean_y)
    return round(moment / spread * (points[-1][0] - points[0][0]), 6)


def direction_of(change: float | None, level: float | None, floor: float) -> str:
    if change is None or level is None:
        return "no data"
    if abs(change) < max(floor, RELATIVE_CHANGE * abs(level)):
        return "steady"
    return "rising" if change > 0 else "falling"


def load_trend_data(*, session: Session, council_id: int, months: int = 12, until: date | None = None) -> TrendData:
    """The stored counts for the window: a fixed number of queries, independent of the responses."""
    if until is None:
        until = session.exec(select(func.max(FeedbackMonth.month)).where(FeedbackMonth.council_id == council_id)).one()
        until = until or date.today()
    span = window(until, months)
    first, last = span[0], span[-1]
    themes = dict(session.exec(select(Theme.id, Theme.name).where(Theme.council_id == council_id)).all())
    departments = dict(
        session.exec(select(Department.id, Department.name).where(Department.council_id == council_id)).all()
    )
    theme_rows = session.exec(
        select(
            ThemeMonth.theme_id,
            ThemeMonth.department_id,
            ThemeMonth.month,
            ThemeMonth.negative,
            ThemeMonth.positive,
            ThemeMonth.neutral,
        ).where(ThemeMonth.council_id == council_id, ThemeMonth.month >= first, ThemeMonth.month <= last)
    )
    response_rows = session.exec(
        select(
            FeedbackMonth.department_id,
            FeedbackMonth.month,
            FeedbackMonth.responses,
            FeedbackMonth.rating_sum,
            FeedbackMonth.rating_count,
        ).where(FeedbackMonth.council_id == council_id, FeedbackMonth.month >= first, FeedbackMonth.month <= last)
    )
    scale = session.exec(
        select(FeedbackSettings.rating_min, FeedbackSettings.rating_max).where(
            FeedbackSettings.council_id == council_id
        )
    ).first()
    return TrendData(
        months=span,
        themes=themes,
        departments=departments,
        theme_counts={(t, d, m): (neg, pos, neu) for t, d, m, neg, pos, neu in theme_rows},
        response_counts={(d, m): (n, s, c) for d, m, n, s, c in response_rows},
        rating_min=scale[0] if scale else 1,
        rating_max=scale[1] if scale else 5,
    )


def build_theme_trend(data: TrendData, theme_id: int, department_id: int | None, *, points: bool = True) -> ThemeTrend:
    """One theme's trend over the window; `points=False` leaves out the monthly points (the
    agenda shows only the window's figures, and building them is most of the cost)."""
    theme_counts, response_counts = data.theme_counts, data.response_counts
    counts, asked, shares = [], [], []
    negative = responses = 0
    for month in data.months:  # one pass over the window's months
        c = theme_counts.get((theme_id, department_id, month), NO_COUNTS)
        n = response_counts.get((department_id, month), NO_COUNTS)[0]
        counts.append(c)
        asked.append(n)
        shares.append(round(c[0] / n, 6) if n else None)
        negative += c[0]
        responses += n
    share = round(negative / responses, 6) if responses else None
    change = fitted_change(shares, asked)
    return ThemeTrend(
        theme_id=theme_id,
        name=data.themes.get(theme_id, ""),
        department_id=department_id,
        points=tuple(
            MonthPoint(month, n, *c, s) for month, n, c, s in zip(data.months, asked, counts, shares, strict=True)
        )
        if points
        else (),
        negative=negative,
        share=share,
        change=change,
        direction=direction_of(change, share, MIN_SHARE_CHANGE),
    )


def _ranked(trends: list[ThemeTrend]) -> list[ThemeTrend]:
    """Most negative mentions first; ties by name."""
    return sorted(trends, key=lambda t: (-t.negative, t.name.lower(), t.theme_id))


def build_theme_trends(data: TrendData, department_id: int | None = None, *, points: bool = True) -> list[ThemeTrend]:
    """Every theme of the council for all departments (None) or one: top negative first."""
    if department_id is None:
        return _ranked([build_theme_trend(data, theme_id, None, points=points) for theme_id in data.themes])
    present = {t for (t, d, _m) in data.theme_counts if d == department_id}
    return _ranked(
        [
            build_theme_trend(data, theme_id, department_id, points=points)
            for theme_id in present
            if theme_id in data.themes
        ]
    )


def build_rating_trend(data: TrendData, department_id: int | None = None) -> RatingTrend:
    points = []
    for month in data.months:
        responses, rating_sum, rated = data.response_counts.get((department_id, month), (0, 0, 0))
        points.append(RatingPoint(month, responses, rated, round(rating_sum / rated, 4) if rated else None))
    rated = sum(p.rated for p in points)
    total = sum(data.response_counts.get((department_id, m), (0, 0, 0))[1] for m in data.months)
    average = round(total / rated, 4) if rated else None
    change = fitted_change([p.average for p in points], [p.rated for p in points])
    floor = RATING_CHANGE * (data.rating_max - data.rating_min)
    if change is None or average is None:
        direction = "no data"
    else:
        direction = "steady" if abs(change) < floor else ("rising" if change > 0 else "falling")
    return RatingTrend(department_id, data.rating_min, data.rating_max, tuple(points), average, change, direction)


def build_council_trends(data: TrendData) -> CouncilTrends:
    departments = sorted(data.departments, key=lambda d: data.departments[d].lower())
    return CouncilTrends(
        months=data.months,
        themes=build_theme_trends(data),
        rating=build_rating_trend(data),
        departments={d: build_theme_trends(data, d) for d in departments},
        department_ratings={d: build_rating_trend(data, d) for d in departments},
        department_names=data.departments,
    )


def council_trends(*, session: Session, council_id: int, months: int = 12, until: date | None = None) -> CouncilTrends:
    """Themes and ratings for the council and for each department, from one fixed set of queries."""
    return build_council_trends(load_trend_data(session=session, council_id=council_id, months=months, until=until))


def theme_trends(
    session: Session, council_id: int, months: int = 12, *, department_id: int | None = None, until: date | None = None
) -> list[ThemeTrend]:
    """Each theme's monthly negative mentions and share, for all departments (None) or one."""
    data = load_trend_data(session=session, council_id=council_id, months=months, until=until)
    return build_theme_trends(data, department_id)


def department_theme_trends(
    session: Session, council_id: int, months: int = 12, *, until: date | None = None
) -> dict[int, list[ThemeTrend]]:
    """Department id → its themes' trends (themes it has mentions of in the window), top negative first."""
    data = load_trend_data(session=session, council_id=council_id, months=months, until=until)
    return {d: build_theme_trends(data, d) for d in data.departments}


def rating_trend(
    session: Session, council_id: int, months: int = 12, *, department_id: int | None = None, until: date | None = None
) -> RatingTrend:
    """The goal-support rating per month (average on the council's scale), for all departments or one."""
    data = load_trend_data(session=session, council_id=council_id, months=months, until=until)
    return build_rating_trend(data, department_id)


def department_rating_trends(
    session: Session, council_id: int, months: int = 12, *, until: date | None = None
) -> dict[int, RatingTrend]:
    """Department id → its goal-support rating trend."""
    data = load_trend_data(session=session, council_id=council_id, months=months, until=until)
    return {d: build_rating_trend(data, d) for d in data.departments}


__all__ = [
    "CouncilTrends",
    "MonthPoint",
    "RatingPoint",
    "RatingTrend",
    "ThemeTrend",
    "TrendData",
    "council_trends",
    "department_rating_trends",
    "department_theme_trends",
    "load_trend_data",
    "rating_trend",
    "theme_trends",
]
