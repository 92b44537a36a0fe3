"""The three scored parts of a department's scorecard, and its delivery line.

Pure: plain facts in, `(value 0–100 or None, one line per input)` out. The rules are
the method's (DOMAIN.md, "The improvement loop"); app/reports/scorecard.py weighs them.

- Action-plan metric (a measure picked in a five-whys workshop, with a target): 100 when
  its latest reading meets the target. Otherwise the average of its *attainment*
  (100 × latest/target, or target/latest when lower is better, within 0–100) and its
  *movement since the workshop*: the share of the gap to target, measured from the first
  reading in or after the workshop's month, that has been closed by the latest one
  (0–100; getting worse is 0). With no reading since the workshop (or only the latest)
  attainment alone counts.
- Comment trend, from feedback: for each of the department's themes, the share of its
  responses naming the theme under what hindered, the last 3 complete months against
  the 3 before. Falling 10% or more scores 100, rising 10% or more 0, linear between
  (flat = 50). The part is the average weighted by negative mentions, so a theme
  customers name often counts for more than a rare one. A council without feedback
  still has its hand-typed comment-theme measures, scored the same way on their readings.
- Goal-support rating, from feedback: the average rating of the last 3 complete months
  placed on the council's scale (the scale's minimum is 0, its maximum 100), averaged
  with any survey-rating measures scored against their targets as before.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from operator import attrgetter

from app.common import made
from app.measures.stats import TREND_PERIODS, Point, meets_target

_period = attrgetter("period")
TREND_THRESHOLD = 0.10
WINDOW_MONTHS = 3
NO_MONTHS = (0,) * WINDOW_MONTHS  # a month without a count counts 0 (`get`'s default, month by month)
NO_RATINGS = (0, 0)


@dataclass(frozen=True)
class MeasureFact:
    name: str
    direction: str
    target: float | None
    readings: tuple[Point, ...]
    # Action-plan metrics: the day of the workshop that picked it (movement counts from there).
    since: date | None = None


def measure_fact(
    name: str, direction: str, target: float | None, readings: tuple[Point, ...], since: date | None = None
) -> MeasureFact:
    """`MeasureFact(...)` as its __init__ makes it, without the frozen per-field setattr calls: the agenda
    makes one for every scored measure of every department (a hundred or more a build)."""
    return made(
        MeasureFact, {"name": name, "direction": direction, "target": target, "readings": readings, "since": since}
    )


@dataclass(frozen=True)
class FeedbackFacts:
    """One department's monthly feedback counts (FeedbackMonth, ThemeMonth), month = first day."""

    responses: Mapping[date, int] = field(default_factory=dict)
    rating_sums: Mapping[date, tuple[int, int]] = field(default_factory=dict)  # month → (sum, count)
    # theme name → month → responses naming it under what hindered
    negative: Mapping[str, Mapping[date, int]] = field(default_factory=dict)
    rating_min: int = 1
    rating_max: int = 5


@dataclass(frozen=True)
class FeedbackSums:
    """What the two feedback parts read of one department's FeedbackFacts, summed over the scorecard's
    windows (`feedback_sums`): the responses of the last 3 complete months and of the 3 before, each
    negative theme's mentions in both (in the facts' order: every theme the department has mentions of
    in the facts' months, those with none in either window too) and the recent months' ratings.

    The agenda sums the same whole counts from the monthly lists it reads (app/agendas/voice.py
    `department_feedback_sums`); the parts are scored from these alone, so the scorecard page and the
    agenda score alike."""

    asked_recent: int
    asked_before: int
    themes: Sequence[tuple[str, int, int]]  # (name, mentions in the recent months, in the 3 before)
    rating_total: int
    rating_count: int
    rating_min: int = 1
    rating_max: int = 5


def feedback_sums(facts: FeedbackFacts, *, today: date) -> FeedbackSums:
    """The facts summed over the windows of `today` (whole counts: any order gives the same sums)."""
    recent, before = _windows(today)
    # Summed by the dict's own get over the three months (map, no generator a sum).
    themes = [
        (name, sum(map(months.get, recent, NO_MONTHS)), sum(map(months.get, before, NO_MONTHS)))
        for name, months in facts.negative.items()
    ]
    total = count = 0
    for m in recent:
        rating_sum, rated = facts.rating_sums.get(m, NO_RATINGS)
        total += rating_sum
        count += rated
    return FeedbackSums(
        asked_recent=sum(map(facts.responses.get, recent, NO_MONTHS)),
        asked_before=sum(map(facts.responses.get, before, NO_MONTHS)),
        themes=themes,
        rating_total=total,
        rating_count=count,
        rating_min=facts.rating_min,
        rating_max=facts.rating_max,
    )


def clamp(value: float) -> float:
    """`max(0.0, min(100.0, value))`, the same value and type in every case (100.0 for NaN, 0.0 for 0 and
    -0.0), with two comparisons instead of two calls (a scorecard clamps several times a department)."""
    if not value < 100.0:
        return 100.0
    return value if value > 0.0 else 0.0


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def windows(today: date) -> tuple[list[date], list[date]]:
    """(the 3 complete months before today's month, the 3 before those), oldest first."""
    recent, before = _windows(today)
    return list(recent), list(before)


@cache
def _windows(today: date) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """`windows`, kept per day: an agenda scores every department on the same day."""
    this_month = today.replace(day=1)
    recent = tuple(_add_months(this_month, n) for n in range(-WINDOW_MONTHS, 0))
    before = tuple(_add_months(this_month, n) for n in range(-2 * WINDOW_MONTHS, -WINDOW_MONTHS))
    return recent, before


@cache
def month_span(months: tuple[date, ...]) -> str:
    return f"{months[0]:%b}–{months[-1]:%b %Y}"


def relative_change(first: float, last: float) -> float:
    if first == 0:
        # From nothing, any rise is more than 10%.
        return 0.0 if last == 0 else (1.0 if last > 0 else -1.0)
    return (last - first) / abs(first)


def trend_points(change: float) -> float:
    """Falling ≥10% → 100, rising ≥10% → 0, linear between: 50 − 500 × change."""
    return clamp(50 - 50 / TREND_THRESHOLD * change)


def attainment(direction: str, latest: float, target: float) -> float:
    """100 × latest/target (target/latest when lower is better) within 0–100; met/missed where no ratio."""
    higher = direction == "higher_is_better"
    if (higher and target > 0) or (not higher and latest > 0):
        return clamp(100 * (latest / target if higher else target / latest))
    return 100.0 if meets_target(direction, latest, target) else 0.0


def plan_metric_score(metric: MeasureFact) -> tuple[float | None, str]:
    """One action-plan metric: met → 100, else the average of attainment and gap closed since the workshop."""
    if metric.target is None:
        return None, f"{metric.name}: no target, not scored"
    ordered = sorted(metric.readings, key=_period)
    if not ordered:
        return None, f"{metric.name}: no readings yet"
    latest, target = ordered[-1].value, metric.target
    if meets_target(metric.direction, latest, target):
        return 100.0, f"{metric.name}: {latest:g} meets the target of {target:g}: 100"
    reached = attainment(metric.direction, latest, target)
    start_month = metric.since.replace(day=1) if metric.since else None
    start = next((p for p in ordered if start_month is None or p.period >= start_month), None)
    if start is None or start is ordered[-1]:
        return reached, f"{metric.name}: {latest:g} against a target of {target:g}, attainment {reached:.0f}"
    if meets_target(metric.direction, start.value, target):
        closed = 0.0  # it was on target at the workshop and has fallen back
    else:
        closed = clamp(100 * (latest - start.value) / (target - start.value))
    score = (reached + closed) / 2
    return score, (
        f"{metric.name}: {latest:g} against a target of {target:g} (attainment {reached:.0f}); "
        f"{start.value:g} at the workshop, {closed:.0f}% of the gap closed: {score:.0f}"
    )


def theme_measure_score(measure: MeasureFact) -> tuple[float | None, str]:
    """A hand-typed negative comment-theme measure: first → last of its trend readings."""
    # measure_stats' trend: the last TREND_PERIODS readings by period.
    trend = sorted(measure.readings, key=_period)[-TREND_PERIODS:]
    if len(trend) < 2:
        return None, f"{measure.name}: fewer than 2 readings, no trend yet"
    first, last = trend[0].value, trend[-1].value
    change = relative_change(first, last)
    score = trend_points(change)
    return score, f"{measure.name}: {first:g} → {last:g} over {len(trend)} readings ({change:+.0%}) scores {score:.0f}"


def comment_trend_from_feedback(facts: FeedbackFacts | FeedbackSums, *, today: date) -> tuple[float | None, list[str]]:
    """Negative themes' share of responses, last 3 months vs the 3 before, mention-weighted."""
    sums = facts if isinstance(facts, FeedbackSums) else feedback_sums(facts, today=today)
    recent, before = _windows(today)
    asked_recent, asked_before = sums.asked_recent, sums.asked_before
    if not asked_recent or not asked_before:
        return None, [f"no feedback in both {month_span(before)} and {month_span(recent)} to compare"]
    scored: list[tuple[float, int, str, str]] = []
    for name, now, then in sums.themes:
        if not now and not then:
            continue
        share_now, share_then = now / asked_recent, then / asked_before
        change = relative_change(share_then, share_now)
        score = trend_points(change)
        line = f"{name}: {share_then:.1%} → {share_now:.1%} of responses ({change:+.0%}) scores {score:.0f}"
        scored.append((score, now + then, name, line))
    if not scored:
        return None, [f"no negative theme named in {before[0]:%b %Y}–{recent[-1]:%b %Y}"]
    # Most mentioned first, equal weights by name: the themes come in the order the database returned their rows,
    # which PostgreSQL does not keep from one read to the next, and neither the lines nor the sum may depend on it.
    scored.sort(key=lambda s: (-s[1], s[2]))
    weight = sum(w for _, w, _, _ in scored)
    return sum(s * w for s, w, _, _ in scored) / weight, [line for *_, line in scored]


def rating_from_feedback(facts: FeedbackFacts | FeedbackSums, *, today: date) -> tuple[float | None, str | None]:
    """The goal-support rating of the last 3 complete months on the council's scale, as 0–100."""
    sums = facts if isinstance(facts, FeedbackSums) else feedback_sums(facts, today=today)
    recent, _ = _windows(today)
    total, count = sums.rating_total, sums.rating_count
    if not count:
        return None, None
    low, high = sums.rating_min, sums.rating_max
    average = total / count
    score = clamp(100 * (average - low) / (high - low))
    return score, (
        f"Goal-support rating {average:.2f} on the {low}–{high} scale in {month_span(recent)} "
        f"({plural(count, 'rating')}) scores {score:.0f}"
    )


def survey_measure_score(measure: MeasureFact) -> tuple[float | None, str]:
    """One survey-rating measure against its target: attainment of the latest reading."""
    latest = max(measure.readings, key=_period) if measure.readings else None
    return latest_survey_score(measure.name, measure.direction, measure.target, latest)


def latest_survey_score(
    name: str, direction: str, target: float | None, latest: Point | None
) -> tuple[float | None, str]:
    """`survey_measure_score` of a survey measure whose latest reading (by period) is `latest` (None without
    readings): the agenda's measure rows have found it already."""
    if target is None:
        return None, f"{name}: no target, not counted"
    if latest is None:
        return None, f"{name}: no readings yet"
    value = latest.value
    score = attainment(direction, value, target)
    return score, f"{name}: latest {value:g} against target {target:g} scores {score:.0f}"


def average(results: Sequence[tuple[float | None, str]], empty: str) -> tuple[float | None, list[str]]:
    scores = [s for s, _ in results if s is not None]
    inputs = [line for _, line in results] or [empty]
    if not scores:
        return None, inputs
    return sum(scores) / len(scores), inputs
