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


@dataclass(frozen=True)
class Point:
    period: date
    value: float


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
    mean_x = (n - 1) / 2
    mean_y = sum(values) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return num / den


def measure_stats(*, direction: str, target: float | None, readings: Sequence[Point]) -> MeasureStats:
    """Derive the figures a council reviews from a measure's readings (any order)."""
    ordered = sorted(readings, key=lambda p: p.period)
    trend = tuple(ordered[-TREND_PERIODS:])
    latest = ordered[-1] if ordered else None
    previous = ordered[-2] if len(ordered) > 1 else None
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
    return MeasureStats(
        latest=latest,
        previous=previous,
        change=change,
        on_target=on_target,
        movement=movement,
        status=status,
        trend=trend,
        slope=slope([p.value for p in trend]),
    )
