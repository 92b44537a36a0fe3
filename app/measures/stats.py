"""What a measure's readings say: latest, change, target, trend and a RAG status.

Pure: plain values in, a frozen dataclass out. Used by the measures API, the
department scorecard and the agenda.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

TREND_PERIODS = 12
Status = Literal["green", "amber", "red"]
Movement = Literal["improving", "worsening", "flat"]


@dataclass(frozen=True, slots=True)
class Point:
    # Slotted: an agenda reads thousands of readings, and a Point without an instance dict costs
    # less to make and, above all, to free (the dict's and the object's two deallocations).
    period: date
    value: float


_new = object.__new__
_set = object.__setattr__
# The slots' own setters: how `points` fills a Point without the frozen __setattr__.
_set_period = Point.__dict__["period"].__set__
_set_value = Point.__dict__["value"].__set__


def points(rows) -> list[Point]:
    """A Point for each (period, value) pair, as `Point(period, value)` makes it (equal, hashable,
    frozen) but without its __init__'s per-field checks: several times cheaper for the thousands
    of readings an agenda reads from the database, already typed."""
    out = []
    append = out.append
    for period, value in rows:
        point = _new(Point)
        # Its slots filled through their descriptors: the frozen __setattr__ is not called.
        _set_period(point, period)
        _set_value(point, value)
        append(point)
    return out


def points_by_measure(rows, to_date=None) -> dict[int, list[Point]]:
    """measure id → its Points, from (measure id, period, value) rows grouped by measure (in the
    rows' order), as `points` makes them; `to_date` converts a period the driver gave as text."""
    if to_date is None:
        return _points_by_measure(rows)
    out: dict[int, list[Point]] = {}
    current = append = None
    # Each period converted once: the council's measures share a dozen or so months between
    # thousands of readings, and the Points share the one (immutable) date.
    periods: dict = {}
    for measure_id, period, value in rows:
        if measure_id != current:
            current, append = measure_id, out.setdefault(measure_id, []).append
        point = _new(Point)
        try:
            _set_period(point, periods[period])
        except KeyError:
            _set_period(point, periods.setdefault(period, to_date(period)))
        _set_value(point, value)
        append(point)
    return out


def _points_by_measure(rows) -> dict[int, list[Point]]:
    """`points_by_measure` of rows whose periods are dates already (the driver's own, as PostgreSQL's)."""
    out: dict[int, list[Point]] = {}
    current = append = None
    for measure_id, period, value in rows:
        if measure_id != current:
            current, append = measure_id, out.setdefault(measure_id, []).append
        point = _new(Point)
        _set_period(point, period)
        _set_value(point, value)
        append(point)
    return out


@dataclass(frozen=True)
class MeasureStats:
    latest: Point | None
    previous: Point | None
    change: float | None
    # None when the measure has no target (or no reading yet).
    on_target: bool | None
    movement: Movement | None
    status: Status | None
    # The last TREND_PERIODS readings, oldest first.
    trend: tuple[Point, ...]
    # Least-squares slope over the trend, in units per period; None under two points.
    slope: float | None


def is_better(direction: str, new: float, old: float) -> bool:
    return new > old if direction == "higher_is_better" else new < old


def meets_target(direction: str, value: float, target: float) -> bool:
    return value >= target if direction == "higher_is_better" else value <= target


def slope(values: Sequence[float]) -> float | None:
    """Least-squares slope of values taken at equal steps."""
    n = len(values)
    if n < 2:
        return None
    mean_y = sum(values) / n
    xs = _centred(n)
    # The same sums, term by term in the same order, as the textbook generator expressions.
    num = sum([x * (y - mean_y) for x, y in zip(xs, values, strict=True)])
    den = sum([x**2 for x in xs])
    return num / den


_CENTRED: dict[int, list[float]] = {}


def _centred(n: int) -> list[float]:
    """x - mean(x) for x = 0 … n-1 (remembered: trends have a handful of lengths)."""
    xs = _CENTRED.get(n)
    if xs is None:
        mean_x = (n - 1) / 2
        xs = _CENTRED[n] = [x - mean_x for x in range(n)]
    return xs


def _by_period(p: Point):
    return p.period


def judge(
    direction: str, target: float | None, latest: Point | None, previous: Point | None
) -> tuple[float | None, bool | None, Movement | None, Status | None]:
    """(change, on_target, movement, status) from a measure's latest and previous readings."""
    change = None if latest is None or previous is None else latest.value - previous.value
    if change is None:
        movement = None
    elif change == 0:
        movement = "flat"
    else:
        movement = "improving" if is_better(direction, latest.value, previous.value) else "worsening"
    on_target = None if latest is None or target is None else meets_target(direction, latest.value, target)
    if latest is None:
        status = None
    elif on_target:
        status = "green"
    elif on_target is False:
        # Red means off target *and* going the wrong way; off target but holding or
        # improving is amber.
        status = "red" if movement == "worsening" else "amber"
    else:
        # No target to judge by: only the direction of travel.
        status = "amber" if movement == "worsening" else "green"
    return change, on_target, movement, status


def measure_stats(
    *, direction: str, target: float | None, readings: Sequence[Point], presorted: bool = False
) -> MeasureStats:
    """Derive the figures a council reviews from a measure's readings (any order; `presorted=True` says
    they are already oldest first, as a query sorted by period gives them, and skips the sort)."""
    ordered = readings if presorted else sorted(readings, key=_by_period)
    trend = tuple(ordered[-TREND_PERIODS:])
    latest = ordered[-1] if ordered else None
    previous = ordered[-2] if len(ordered) > 1 else None
    change, on_target, movement, status = judge(direction, target, latest, previous)
    # The frozen dataclass made as its __init__ would (every field given), without its per-field
    # checks: the agenda derives these for hundreds of measures.
    stats = _new(MeasureStats)
    _set(
        stats,
        "__dict__",
        {
            "latest": latest,
            "previous": previous,
            "change": change,
            "on_target": on_target,
            "movement": movement,
            "status": status,
            "trend": trend,
            "slope": slope([p.value for p in trend]),
        },
    )
    return stats
