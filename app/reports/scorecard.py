"""A department's scorecard: one score out of 100 from three weighted components.

Pure: plain facts in, a frozen dataclass out. After the Applied Materials practice in
the domain brief, the action-plan metric weighs most, the downward trend of negative
comment themes less, the survey rating least (defaults 50/30/20, per council).

- action_plan: of the department's actions that fell due in the last year (today − 365
  days ≤ due_on ≤ today), the share closed on time (done, closed on or before the due
  date), × 100. A rolling year: a department is scored on how it delivers now, and one
  slow year does not follow it for ever. An action cancelled
  on or before its due date was withdrawn, not missed, and is left out; one cancelled
  after it fell due counts as missed, so cancelling a late action cannot lift a score.
- comment_trend: for each comment-theme measure (a count of a *negative* theme, so
  falling is good whatever the measure's direction), the change from the first to
  the last of its trend readings (the last 12) as a share of the first. Falling 10%
  or more scores 100, rising 10% or more scores 0, linear in between (flat = 50):
  score = 50 − 500 × change, within 0–100. The component is the average.
- survey_rating: for each survey-rating measure with a target, 100 × latest / target
  (higher is better) or 100 × target / latest (lower is better), within 0–100; where
  that ratio means nothing (a target or latest at or below zero) it scores 100 if
  the target is met, else 0. The component is the average.

A component with no data is left out and the remaining weights are re-normalised to
100; its breakdown line says so.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.display import plural
from app.measures.stats import Point, measure_stats, meets_target
from app.scoring import SCORECARD_DEFAULTS

COMPONENTS = tuple(SCORECARD_DEFAULTS)
LABELS = {
    "action_plan": "Action plan closed on time",
    "comment_trend": "Trend of negative comment themes",
    "survey_rating": "Survey ratings against target",
}
TREND_THRESHOLD = 0.10
# The action-plan metric looks at actions that fell due in this many days up to today.
ACTION_WINDOW_DAYS = 365


def action_window_start(today: date) -> date:
    """The earliest due date the action-plan metric counts."""
    return today - timedelta(days=ACTION_WINDOW_DAYS)


@dataclass(frozen=True)
class ActionFact:
    due_on: date
    status: str
    # The day it was closed, in the council's time zone; None while open.
    closed_on: date | None = None


@dataclass(frozen=True)
class ActionCounts:
    """The same facts counted by the database (the agenda reads a count, not the history)."""

    counted: int  # fell due, not withdrawn
    on_time: int  # of those, done on or before the due date
    withdrawn: int = 0  # fell due but cancelled on or before it: not counted
    not_yet: int = 0  # not due yet


@dataclass(frozen=True)
class MeasureFact:
    name: str
    direction: str
    target: float | None
    readings: tuple[Point, ...]


@dataclass(frozen=True)
class Component:
    component: str
    label: str
    value: float | None  # 0–100; None when there is no data
    weight: float  # as configured
    share: float  # its share of the total in %, after re-normalisation; 0 when left out
    points: float
    inputs: tuple[str, ...]
    included: bool


@dataclass(frozen=True)
class DepartmentScore:
    total: float | None
    components: tuple[Component, ...]
    notes: tuple[str, ...]


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


def _withdrawn(action: ActionFact) -> bool:
    return action.status == "cancelled" and (action.closed_on is None or action.closed_on <= action.due_on)


def count_actions(actions: Sequence[ActionFact], *, today: date) -> ActionCounts:
    """Count what the action-plan metric needs from individual actions (older ones ignored)."""
    start = action_window_start(today)
    fell_due = [a for a in actions if start <= a.due_on <= today]
    counted = [a for a in fell_due if not _withdrawn(a)]
    return ActionCounts(
        counted=len(counted),
        on_time=sum(1 for a in counted if a.status == "done" and a.closed_on is not None and a.closed_on <= a.due_on),
        withdrawn=len(fell_due) - len(counted),
        not_yet=sum(1 for a in actions if a.due_on > today),
    )


def action_plan_score(actions: Sequence[ActionFact], *, today: date) -> tuple[float | None, list[str]]:
    """Share of the actions that fell due which were closed on time, × 100."""
    return action_plan_from_counts(count_actions(actions, today=today))


def action_plan_from_counts(counts: ActionCounts | None) -> tuple[float | None, list[str]]:
    """The action-plan metric from counts: on time / counted × 100."""
    counts = counts or ActionCounts(counted=0, on_time=0)
    inputs = []
    if counts.withdrawn:
        inputs.append(f"{plural(counts.withdrawn, 'action')} cancelled before falling due: not counted")
    if counts.not_yet:
        inputs.append(f"{plural(counts.not_yet, 'action')} not yet due")
    if not counts.counted:
        return None, ["no actions fell due in the last year", *inputs]
    return counts.on_time / counts.counted * 100, [
        f"{counts.on_time} of {plural(counts.counted, 'action')} that fell due in the last year closed on time",
        *inputs,
    ]


def _relative_change(first: float, last: float) -> float:
    if first == 0:
        # From nothing, any rise is more than 10%.
        return 0.0 if last == 0 else (1.0 if last > 0 else -1.0)
    return (last - first) / abs(first)


def theme_trend_score(measure: MeasureFact) -> tuple[float | None, str]:
    """One negative comment theme: 100 falling ≥10%, 0 rising ≥10%, linear between."""
    trend = measure_stats(direction=measure.direction, target=measure.target, readings=measure.readings).trend
    if len(trend) < 2:
        return None, f"{measure.name}: fewer than 2 readings, no trend yet"
    first, last = trend[0].value, trend[-1].value
    change = _relative_change(first, last)
    score = _clamp(50 - 50 / TREND_THRESHOLD * change)
    return score, f"{measure.name}: {first:g} → {last:g} over {len(trend)} readings ({change:+.0%}) scores {score:.0f}"


def survey_score(measure: MeasureFact) -> tuple[float | None, str]:
    """One survey rating against its target: 100 × latest/target (or target/latest), at most 100."""
    if measure.target is None:
        return None, f"{measure.name}: no target, not counted"
    if not measure.readings:
        return None, f"{measure.name}: no readings yet"
    latest = max(measure.readings, key=lambda p: p.period).value
    target = measure.target
    higher = measure.direction == "higher_is_better"
    if (higher and target > 0) or (not higher and latest > 0):
        score = _clamp(100 * (latest / target if higher else target / latest))
    else:
        score = 100.0 if meets_target(measure.direction, latest, target) else 0.0
    return score, f"{measure.name}: latest {latest:g} against target {target:g} scores {score:.0f}"


def _average(results: list[tuple[float | None, str]], empty: str) -> tuple[float | None, list[str]]:
    scores = [s for s, _ in results if s is not None]
    inputs = [line for _, line in results] or [empty]
    if not scores:
        return None, inputs
    return sum(scores) / len(scores), inputs


def score_department(
    *,
    actions: Sequence[ActionFact] = (),
    action_counts: ActionCounts | None = None,
    comment_measures: Sequence[MeasureFact],
    survey_measures: Sequence[MeasureFact],
    weights: Mapping[str, float],
    today: date,
) -> DepartmentScore:
    """The weighted score, with every component's value, weight, points and inputs."""
    values = {
        "action_plan": action_plan_from_counts(action_counts)
        if action_counts is not None or not actions
        else action_plan_score(actions, today=today),
        "comment_trend": _average([theme_trend_score(m) for m in comment_measures], "no comment-theme measures"),
        "survey_rating": _average([survey_score(m) for m in survey_measures], "no survey-rating measures"),
    }
    available = [c for c in COMPONENTS if values[c][0] is not None]
    total_weight = sum(float(weights.get(c, 0)) for c in available)
    notes = []
    left_out = [LABELS[c].lower() for c in COMPONENTS if c not in available]
    if left_out and available:
        notes.append(f"No data for {', '.join(left_out)}: left out, the other weights re-normalised to 100.")
    components = []
    for c in COMPONENTS:
        value, inputs = values[c]
        weight = float(weights.get(c, 0))
        included = value is not None and total_weight > 0
        share = weight / total_weight * 100 if included else 0.0
        points = value * share / 100 if included else 0.0
        if value is None:
            inputs = [*inputs, "no data: left out"]
        components.append(Component(c, LABELS[c], value, weight, share, points, tuple(inputs), included))
    if not available:
        notes.append("No data for any component yet.")
        total = None
    elif total_weight <= 0:
        notes.append("Every component with data has weight 0.")
        total = None
    else:
        total = sum(p.points for p in components)
    return DepartmentScore(total=total, components=tuple(components), notes=tuple(notes))
