"""A department's scorecard: one score out of 100 from three weighted parts.

Pure: plain facts in, a frozen dataclass out. As the method says (DOMAIN.md, "The
improvement loop"): the action-plan metrics picked in five-whys workshops weigh most,
the downward trend of the negative themes in what customers wrote less, the survey
rating least (defaults 50/30/20, per council; the keys action_plan, comment_trend and
survey_rating are unchanged, so a council's chosen weights carry over as they are).
How each part is scored: app/reports/score_parts.py.

Delivery (of the department's actions that fell due in the last year, the share closed
on time) is shown beside the score, not scored: closing actions is the means, the
metric moving is the end. An action cancelled on or before its due date was withdrawn,
not missed, and is left out; one cancelled after it fell due counts as missed.

A part with no data is left out and the remaining weights are re-normalised to 100;
`left_out_note` says so once for a whole scorecard, not in every department's table.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from app.common import made
from app.reports.score_parts import (
    FeedbackFacts,
    FeedbackSums,
    MeasureFact,
    average,
    comment_trend_from_feedback,
    feedback_sums,
    plan_metric_score,
    plural,
    rating_from_feedback,
    survey_measure_score,
    theme_measure_score,
)
from app.scoring import SCORECARD_DEFAULTS

__all__ = ["FeedbackFacts", "FeedbackSums", "MeasureFact"]  # the facts callers build, re-exported

COMPONENTS = tuple(SCORECARD_DEFAULTS)
LABELS = {
    "action_plan": "Action-plan metrics",
    "comment_trend": "Trend of negative comment themes",
    "survey_rating": "Goal-support and survey ratings",
}
# What each part means, in one line, beside its value.
EXPLAINS = {
    "action_plan": "the metrics picked in five-whys workshops against their targets, and their movement since",
    "comment_trend": "how often customers name the department's negative themes, last 3 months vs the 3 before",
    "survey_rating": "how well customers say their goal was supported, on the council's scale",
}
# Delivery looks at actions that fell due in this many days up to today.
ACTION_WINDOW_DAYS = 365


def action_window_start(today: date) -> date:
    """The earliest due date delivery counts."""
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
class Component:
    component: str
    label: str
    value: float | None  # 0–100; None when there is no data
    weight: float  # as configured
    share: float  # its share of the total in %, after re-normalisation; 0 when left out
    points: float
    inputs: tuple[str, ...]
    included: bool
    explains: str = ""


@dataclass(frozen=True)
class DepartmentScore:
    total: float | None
    components: tuple[Component, ...]
    notes: tuple[str, ...]
    # Actions closed on time: shown beside the score, not part of it.
    delivery: str | None = None


def _withdrawn(action: ActionFact) -> bool:
    return action.status == "cancelled" and (action.closed_on is None or action.closed_on <= action.due_on)


def count_actions(actions: Sequence[ActionFact], *, today: date) -> ActionCounts:
    """Count what delivery needs from individual actions (older ones ignored)."""
    start = action_window_start(today)
    fell_due = [a for a in actions if start <= a.due_on <= today]
    counted = [a for a in fell_due if not _withdrawn(a)]
    return ActionCounts(
        counted=len(counted),
        on_time=sum(1 for a in counted if a.status == "done" and a.closed_on is not None and a.closed_on <= a.due_on),
        withdrawn=len(fell_due) - len(counted),
        not_yet=sum(1 for a in actions if a.due_on > today),
    )


def delivery_score(actions: Sequence[ActionFact], *, today: date) -> tuple[float | None, list[str]]:
    """Share of the actions that fell due which were closed on time, × 100."""
    return delivery_from_counts(count_actions(actions, today=today))


def delivery_from_counts(counts: ActionCounts | None) -> tuple[float | None, list[str]]:
    """Delivery from counts: on time / counted × 100."""
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


NO_PLAN_METRIC = "no action-plan metric yet: pick one in a five-whys workshop"


def comment_trend_part(
    feedback: FeedbackSums | None, comment_measures: Sequence[MeasureFact], today: date
) -> tuple[float | None, list[str]]:
    """The comment-trend part: from feedback where it names themes, else from the comment-theme measures."""
    if feedback is not None and feedback.themes:
        return comment_trend_from_feedback(feedback, today=today)
    value, inputs = average([theme_measure_score(m) for m in comment_measures], "no feedback themes yet")
    if comment_measures:
        inputs = [*inputs, "from comment-theme measures typed in: import feedback to compute it"]
    return value, inputs


def survey_part(
    feedback: FeedbackSums | None, survey_results: list[tuple[float | None, str]], today: date
) -> tuple[float | None, list[str]]:
    """The survey part: the feedback's goal-support rating first, then each survey measure's score (`survey_results`,
    `survey_measure_score` of each, in the measures' order; the list is added to)."""
    rating, line = rating_from_feedback(feedback, today=today) if feedback is not None else (None, None)
    if line is not None:
        survey_results.insert(0, (rating, line))
    return average(survey_results, "no goal-support ratings or survey-rating measures yet")


def delivery_line(counts: ActionCounts | None) -> str | None:
    """Delivery as the scorecard shows it beside the score: None when no action fell due."""
    delivered, delivery_lines = delivery_from_counts(counts)
    return f"Delivery (not scored): {delivery_lines[0]}" if delivered is not None else None


def weigh(
    values: Mapping[str, tuple[float | None, list[str]]], weights: Mapping[str, float]
) -> tuple[list[tuple], float | None, list[str]]:
    """The parts' `(value, inputs)` weighed: `(component, value, weight, share, points, inputs, included)` for
    each of COMPONENTS in order, the total (None without data or weight) and the notes saying why not."""
    available = [c for c in COMPONENTS if values[c][0] is not None]
    total_weight = sum(float(weights.get(c, 0)) for c in available)
    notes = []
    parts = []
    for c in COMPONENTS:
        value, inputs = values[c]
        weight = float(weights.get(c, 0))
        included = value is not None and total_weight > 0
        share = weight / total_weight * 100 if included else 0.0
        points = value * share / 100 if included else 0.0
        parts.append((c, value, weight, share, points, inputs, included))
    if not available:
        notes.append("No data for any part yet.")
        total = None
    elif total_weight <= 0:
        notes.append("Every part with data has weight 0.")
        total = None
    else:
        total = sum(part[4] for part in parts)
    return parts, total, notes


def score_department(
    *,
    plan_metrics: Sequence[MeasureFact] = (),
    feedback: FeedbackFacts | FeedbackSums | None = None,
    comment_measures: Sequence[MeasureFact] = (),
    survey_measures: Sequence[MeasureFact] = (),
    actions: Sequence[ActionFact] = (),
    action_counts: ActionCounts | None = None,
    weights: Mapping[str, float],
    today: date,
) -> DepartmentScore:
    """The weighted score, with every part's value, weight, points and inputs, and delivery beside it.

    `feedback` as the department's monthly counts, or as those counts summed over the windows already."""
    if feedback is not None and not isinstance(feedback, FeedbackSums):
        feedback = feedback_sums(feedback, today=today)
    values = {
        "action_plan": average([plan_metric_score(m) for m in plan_metrics], NO_PLAN_METRIC),
        "comment_trend": comment_trend_part(feedback, comment_measures, today),
        "survey_rating": survey_part(feedback, [survey_measure_score(m) for m in survey_measures], today),
    }
    counts = action_counts if action_counts is not None else count_actions(actions, today=today)
    parts, total, notes = weigh(values, weights)
    components = tuple(
        _component(c, LABELS[c], value, weight, share, points, tuple(inputs), included, EXPLAINS[c])
        for c, value, weight, share, points, inputs, included in parts
    )
    fields = {"total": total, "components": components, "notes": tuple(notes), "delivery": delivery_line(counts)}
    return made(DepartmentScore, fields)


def _component(
    component: str,
    label: str,
    value: float | None,
    weight: float,
    share: float,
    points: float,
    inputs: tuple[str, ...],
    included: bool,
    explains: str,
) -> Component:
    """`Component(...)` with every field given, as its __init__ makes it."""
    return made(
        Component,
        {
            "component": component,
            "label": label,
            "value": value,
            "weight": weight,
            "share": share,
            "points": points,
            "inputs": inputs,
            "included": included,
            "explains": explains,
        },
    )


def left_out_note(scores: Mapping[str, DepartmentScore]) -> str | None:
    """One sentence for a whole scorecard: which parts were left out where (no data), if any."""
    missing: dict[str, list[str]] = {}
    for name, score in scores.items():
        if score.total is None:
            continue
        for c in score.components:
            if c.value is None:
                missing.setdefault(c.label.lower(), []).append(name)
    if not missing:
        return None
    everyone = len([s for s in scores.values() if s.total is not None])
    where = "; ".join(
        f"{label} for {'every department' if len(names) == everyone > 1 else ', '.join(names)}"
        for label, names in missing.items()
    )
    return f"A part with no data is left out and the other weights re-normalised to 100: {where}."
